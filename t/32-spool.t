#!/usr/bin/perl

# The durable spool: a full filesystem or an unwritable directory gives
# 503 with Retry-After and leaves no partial file; the next report after
# space returns is accepted.  Sealed queues keep nothing readable.

use strict;
use warnings;

use FindBin;
use lib "$FindBin::Bin/lib";

use Test::More;
use JSON::PP;
use IO::Socket::INET;
use Socket qw(SOL_SOCKET SO_RCVBUF);
use SCTest;

my $t = SCTest->new;
my $dir = $t->dir;

# a small filesystem of its own for one spool
mkdir "$dir/small";
system('mount', '-t', 'tmpfs', '-o', 'size=256k,mode=0755', 'tmpfs',
       "$dir/small") == 0
    or BAIL_OUT('cannot mount a tmpfs (the test runs as root)');

END { system('umount', "$dir/small") if $dir && -d "$dir/small" }

system("$FindBin::Bin/../scripts/security-report-seal", 'keygen',
       "$dir/seal.secret", "$dir/seal.public") == 0
    or BAIL_OUT('security-report-seal keygen failed (python3-nacl?)');

$t->run(<<'EOF');
    security_report_queue small spool=%%DIR%%/small/spool;
    security_report_queue locked spool=%%DIR%%/locked;
    security_report_queue sealed spool=%%DIR%%/sealed seal=%%DIR%%/seal.public;

    server {
        listen 127.0.0.1:%%PORT_0%% sndbuf=8k;
        server_name spool.example;

        location = /small  { security_report queue=small;
                             security_report_max_size 512k; }
        location = /locked { security_report queue=locked; }
        location = /sealed { security_report queue=sealed; }
        location = /big    { root %%DIR%%/html; }
    }
EOF

sub post {
    my ($path, $desc) = @_;
    my $body = encode_json({
        title => 'A report', target_url => 'https://spool.example/',
        description => $desc // 'Something is wrong.',
    });
    return $t->http($path, method => 'POST', host => 'spool.example',
                    body => $body,
                    headers => ['Content-Type' => 'application/json']);
}

sub files {
    my ($d) = @_;
    opendir my $dh, $d or return ();
    my @f = grep { !/^\./ } readdir $dh;
    return @f;
}

# the spool directories exist and belong to the worker user
for my $d (qw(tmp new cur done dead)) {
    ok(-d "$dir/small/spool/$d", "spool/$d created at start");
}
my $uid = (stat "$dir/small/spool/new")[4];
my $wuid = (getpwnam('nobody'))[2];
is($uid, $wuid, 'owned by the worker user');
is(sprintf('%o', (stat "$dir/small/spool/new")[2] & 07777), '700',
   'mode 0700');

# --- a full filesystem

is(post('/small')->{status}, 201, 'a report fits');

# fill the filesystem, leaving less than a report needs
my $filler = "$dir/small/filler";
open my $fh, '>', $filler or die;
print $fh 'x' x (1024 * 1024);
close $fh;

my @before = files("$dir/small/spool/new");
my $r = post('/small', 'y' x 60000);
is($r->{status}, 503, 'the filesystem is full: 503');
ok(defined $r->{headers}{'retry-after'}, 'with Retry-After');
like($r->{body}, qr/"error":"not_stored".*nothing was kept/,
     'saying nothing was kept');
is(scalar(files("$dir/small/spool/new")), scalar @before,
   'no new report in new/');
is(scalar(files("$dir/small/spool/tmp")), 0, 'no partial file in tmp/');
like($t->error_log,
     qr/\[error\].*security report for "spool\.example" not stored: (write|fsync|close|open)\(\) ".*small\/spool\/tmp\/[0-9A-Z]{26}" failed \(28: No space left on device\)/,
     'the error log says what failed, where, and why');

unlink $filler;
$r = post('/small', 'y' x 60000);
is($r->{status}, 201, 'space is back: the next report is accepted');
is(scalar(files("$dir/small/spool/new")), @before + 1, 'and stored');

# --- the write event of a keepalive connection does not answer early
#
# A large response first leaves the connection's write event armed; the
# report that follows on the same connection must still wait for its
# write, here one that fails.

$t->write_file('html/big', 'b' x (256 * 1024));
chmod 0500, "$dir/locked/tmp";
{
    my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1',
                                  PeerPort => $t->port(0)) or die;
    setsockopt($s, SOL_SOCKET, SO_RCVBUF, 4096);
    print $s "GET /big HTTP/1.1\r\nHost: spool.example\r\n\r\n";

    # nginx fills the socket and waits for it to drain: its write event
    # stays armed on the connection
    select undef, undef, undef, 0.2;

    my ($got, $head) = ('', 1);
    while (length $got < 256 * 1024) {
        my $n = sysread($s, my $buf, 65536) or last;
        $got .= $buf;
        if ($head && $got =~ s/\A.*?\r\n\r\n//s) {
            $head = 0;
        }
    }
    is(length $got, 256 * 1024, 'the large response, read whole');

    my $body = encode_json({ title => 'keepalive', description => 'x',
                             target_url => 'https://spool.example/' });
    print $s "POST /locked HTTP/1.1\r\nHost: spool.example\r\n"
        . "Content-Type: application/json\r\nConnection: close\r\n"
        . "Content-Length: " . length($body) . "\r\n\r\n$body";

    my $resp = '';
    while (sysread($s, my $buf, 65536)) {
        $resp .= $buf;
    }

    like($resp, qr{^HTTP/1\.1 503 }m,
         'a report after a large response on the same connection: 503, '
         . 'not an early 201');
}
chmod 0700, "$dir/locked/tmp";

# --- an unwritable directory

chmod 0500, "$dir/locked/tmp";
$r = post('/locked');
is($r->{status}, 503, 'tmp/ not writable: 503');
like($t->error_log, qr/not stored: open\(\) ".*locked\/tmp\/.*" failed \(13: Permission denied\)/,
     'logged with the path and the reason');
is(scalar(files("$dir/locked/new")), 0, 'nothing in new/');
chmod 0700, "$dir/locked/tmp";
is(post('/locked')->{status}, 201, 'writable again: accepted');

# --- sealed: nothing readable on the web tier

$r = post('/sealed', 'The admin password is in /backup.zip');
is($r->{status}, 201, 'sealed queue: 201');
my $id = decode_json($r->{body})->{id};
my $raw = $t->read_file("sealed/new/$id");
ok(defined $raw, 'the sealed record is in new/');
unlike($raw, qr/password|spool\.example|A report/,
       'nothing of the report is readable in it');

open my $open, '-|', "$FindBin::Bin/../scripts/security-report-seal", 'open',
    "$dir/seal.secret", "$dir/sealed/new/$id" or die;
local $/;
my $clear = <$open>;
close $open;
is($?, 0, 'security-report-seal opens it with the secret key');
my $rec = eval { decode_json($clear) } // {};
is($rec->{id}, $id, 'the record inside: its ID');
is($rec->{report}{description}, 'The admin password is in /backup.zip',
   'and the report as sent');

$t->log_ok(qr/not stored/);
$t->stop;

done_testing;
