#!/usr/bin/perl

# The contact window in a real browser: headless Chromium (Debian's
# /usr/bin/chromium, driven by playwright-core through t/browser/submit.mjs)
# opens the report page, finds every field by its label, fills them all in,
# attaches a PNG, sends the form and reads the receipt page; then the spool
# record must hold what the browser sent.
#
# Needs: node (20 or later), Debian's chromium, and
#     npm ci --prefix t/browser
# With SC_SCREENSHOTS=DIR, the browser saves report-form.png and
# report-receipt.png there (as in docs/img/).

use strict;
use warnings;

use FindBin;
use lib "$FindBin::Bin/lib";

use Test::More;
use JSON::PP;
use Encode ();
use MIME::Base64;
use Digest::SHA qw(sha256_hex);
use SCTest;

my $browser_dir = "$SCTest::ROOT/t/browser";
my $chromium = $ENV{SC_CHROMIUM} // '/usr/bin/chromium';

# Missing tools are a failure, not a skip: this test must run in CI.
my @missing;
push @missing, 'node is not installed (Node.js 20 or later)'
    unless grep { -x "$_/node" } split /:/, $ENV{PATH} // '';
push @missing, "Chromium is not installed at $chromium "
             . '(apt-get install chromium)'
    unless -x $chromium;
push @missing, "$browser_dir/node_modules/playwright-core is missing: "
             . 'run npm ci --prefix t/browser'
    unless -f "$browser_dir/node_modules/playwright-core/package.json";

if (@missing) {
    fail("browser test prerequisites");
    diag($_) for @missing;
    done_testing;
    exit 1;
}

my $t = SCTest->new;

$t->run(<<'EOF');
    security_report_queue main spool=%%DIR%%/spool;

    server {
        listen 127.0.0.1:%%PORT_0%%;

        security_txt on;
        security_txt_https_only off;
        security_txt_contact mailto:security@browser.example;

        location = /report {
            security_report;
        }
    }
EOF

my $url = 'http://127.0.0.1:' . $t->port(0) . '/report';
my @cmd = ('timeout', '120', 'node', "$browser_dir/submit.mjs", $url);
push @cmd, $ENV{SC_SCREENSHOTS} if $ENV{SC_SCREENSHOTS};

# the browser's stderr into a file, shown if it fails
my $stderr_file = $t->dir . '/browser.stderr';
open my $saved_stderr, '>&', \*STDERR or die "dup STDERR: $!";
open STDERR, '>', $stderr_file or die "$stderr_file: $!";
my $ok_open = open my $fh, '-|', @cmd;
open STDERR, '>&', $saved_stderr or die "restore STDERR: $!";
die "run @cmd: $!" unless $ok_open;

my $out = do { local $/; <$fh> } // '';
close $fh;
my $status = $?;
my $stderr = $t->read_file('browser.stderr') // '';

is($status >> 8, 0, 'the browser filled in and sent the form')
    or diag("$stderr\n$out");

my ($line) = grep { /^\{/ } split /\n/, $out;
my $res = eval { JSON::PP->new->utf8->decode($line // '') };
ok($res, 'the browser printed its result as JSON')
    or diag($@ // '', "\n$out");

unless ($res && ref $res eq 'HASH' && defined $res->{receipt_id}) {
    $t->stop;
    done_testing;
    exit 1;
}

is($res->{page_lang}, 'en', 'the form page is in English by default');
ok($res->{ja_ok}, '?lang=ja: the page is in Japanese');

my $id = $res->{receipt_id} // '';
like($id, qr/^[0-9A-HJKMNP-TV-Z]{26}$/,
     'the receipt page shows a ULID receipt ID');
like($res->{receipt} // '', qr/Receipt-ID: \Q$id\E/,
     'the receipt on the page names the ID');

my $spool = $t->dir . '/spool';
opendir my $dh, "$spool/new" or die "$spool/new: $!";
my @new = sort grep { !/^\./ } readdir $dh;
closedir $dh;
is_deeply(\@new, [$id], 'exactly one report in new/, named by the ID');

my $raw = $t->read_file("spool/new/$id") // '';
my $rec = eval { decode_json($raw) } // {};
my $report = $rec->{report} // {};

is($rec->{id}, $id, 'record: id');
is($rec->{client}, '127.0.0.1', 'record: client address');
like($rec->{user_agent} // '', qr/Chrom/, 'record: the browser\'s user agent');
like($res->{receipt} // '', qr/\Q$rec->{sha256}\E/,
     'the receipt carries the digest of the record')
    if $rec->{sha256};

is($report->{title}, $res->{title}, 'record: the title submitted');

# What the browser typed, as stored.  A browser sends a textarea's line
# breaks as CRLF.
my $fields = $res->{fields} // {};
for my $name (sort keys %$fields) {
    next if $name eq 'title';
    my $want = $fields->{$name};
    my $got = $report->{$name};

    if (JSON::PP::is_bool($want)) {
        ok(JSON::PP::is_bool($got) && $got == $want,
           "record: $name checked");
        next;
    }

    $got =~ s/\r\n/\n/g if defined $got;
    is($got, $want, "record: $name as typed");
}
ok(scalar(keys %$fields) >= 15, 'every field was filled in');
like($report->{impact} // '', qr/\x{30bb}\x{30c3}\x{30b7}\x{30e7}\x{30f3}/,
     'Japanese text kept (セッション)');
is($report->{language}, 'en', 'record: the form\'s language');
ok(!exists $report->{leave_empty}, 'the honeypot is not stored');
ok(!exists $report->{form_token}, 'the token is not stored');

my $att = $report->{attachments} // [];
is(scalar @$att, 1, 'one attachment');
is($att->[0]{filename}, $res->{attachment}{filename}, 'attachment: filename');
is($att->[0]{content_type}, 'image/png', 'attachment: content type');
is($att->[0]{size}, $res->{attachment}{size}, 'attachment: size');
is($att->[0]{sha256}, $res->{attachment_sha256},
   'attachment: the SHA-256 of the file the browser attached');
my $bytes = decode_base64($att->[0]{data_base64} // '');
is(sha256_hex($bytes), $res->{attachment_sha256},
   'attachment: the bytes stored are the file');
is(substr($bytes, 0, 8), "\x89PNG\r\n\x1a\n", 'attachment: a PNG');

opendir $dh, "$spool/tmp" and do {
    is(scalar(grep { !/^\./ } readdir $dh), 0, 'nothing left in tmp/');
    closedir $dh;
};

if ($ENV{SC_SCREENSHOTS}) {
    for my $f (qw(report-form.png report-receipt.png)) {
        ok(-s "$ENV{SC_SCREENSHOTS}/$f", "screenshot $f saved");
    }
}

$t->stop;

done_testing;
