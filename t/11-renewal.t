#!/usr/bin/perl

# Renewal: Expires moves with the renewal boundary, every worker serves the
# same bytes within one interval, and security_txt_review_by caps Expires
# and warns.

use strict;
use warnings;

use FindBin;
use lib "$FindBin::Bin/lib";

use Test::More;
use Time::HiRes qw(sleep time);
use POSIX qw(strftime);
use SCTest;
use RFC9116;

# --- renewal across a boundary, with two workers

my $t = SCTest->new(workers => 2);
$t->run(<<'EOF');
    server {
        listen 127.0.0.1:%%PORT_0%% reuseport;
        server_name renew.example;
        add_header X-Worker $pid;

        security_txt on;
        security_txt_https_only off;
        security_txt_contact mailto:security@renew.example;
        security_txt_expires 1h renew=3s;
    }
EOF

sub fetch {
    my $r = $t->http('/.well-known/security.txt', host => 'renew.example');
    my ($exp) = $r->{body} =~ /^Expires: (.*)$/m;
    return ($r, RFC9116::parse_date_time($exp // ''));
}

# start right after a boundary so that the samples share one interval
sleep(3 - (time - int(time / 3) * 3) + 0.05);

my $start = time;
my (%bodies, %workers);
my ($first, $exp1) = fetch();

for (1 .. 40) {
    my ($r) = fetch();
    $bodies{$r->{body}}++;
    $workers{$r->{headers}{'x-worker'} // '?'}++;
}

SKIP: {
    skip 'samples crossed a renewal boundary', 2 if time - $start >= 2.5;

    is(scalar keys %workers, 2, 'both workers answered')
        or diag(explain \%workers);
    is(scalar keys %bodies, 1, 'every worker served the same bytes');
}

my $b1 = int($start / 3) * 3;
is($exp1, $b1 + 3600, 'Expires = boundary + window');
RFC9116::is_valid($first->{body}, now => time, host => 'renew.example',
                  name => 'first file valid');

sleep(3 - (time - int(time / 3) * 3) + 0.1);

my ($second, $exp2) = fetch();
ok($exp2 > $exp1, 'after the boundary, Expires moved on');
is(($exp2 - $exp1) % 3, 0, 'by whole renewal intervals');
isnt($second->{headers}{etag}, $first->{headers}{etag}, 'a new ETag');
isnt($second->{headers}{'last-modified'}, $first->{headers}{'last-modified'},
     'a new Last-Modified');
RFC9116::is_valid($second->{body}, now => time, host => 'renew.example',
                  name => 'renewed file valid');

my $c = $t->http('/.well-known/security.txt', host => 'renew.example',
                 headers => ['If-None-Match' => $first->{headers}{etag}]);
is($c->{status}, 200, 'the old ETag no longer matches');

$t->stop;

# --- review date: caps Expires, warns from 30 days before, errors after

sub ymd { strftime('%Y-%m-%d', gmtime($_[0])) }

my $soon = ymd(time + 5 * 86400);
my $past = ymd(time - 2 * 86400);
my $far = ymd(time + 400 * 86400);

$t = SCTest->new;
$t->write_conf(<<"EOF");
    security_txt on;
    security_txt_https_only off;
    security_txt_contact mailto:security\@example.org;
    security_txt_expires 30d renew=1s;
    security_txt_review_by $past;

    server {
        listen 127.0.0.1:%%PORT_0%%;
        server_name soon.example;
        security_txt_review_by $soon;
    }

    server {
        listen 127.0.0.1:%%PORT_0%%;
        server_name past.example;
    }

    server {
        listen 127.0.0.1:%%PORT_0%%;
        server_name far.example;
        security_txt_review_by $far;
    }

    server {
        listen 127.0.0.1:%%PORT_0%%;
        server_name off.example;
        security_txt_review_by off;
    }
EOF

my ($rc, $out) = $t->test_conf;
is($rc, 0, 'nginx -t accepts review dates');
like($out, qr/\[warn\].*security_txt_review_by $soon for "$soon" is \d days away/,
     'nginx -t warns of a review date less than 30 days away');
like($out, qr/\[warn\].*security_txt_review_by $past for "$past" has passed/,
     'nginx -t warns of a review date that has passed');
unlike($out, qr/$far/, 'no warning for a review date far away');

$t->start;
# nginx logs configuration warnings at start where it logs before its
# error_log is open (Debian's build: stderr), and at reload in the error log
like($t->read_file('stderr.log'),
     qr/\[warn\].*security_txt_review_by $soon .* days away/,
     'the warning is logged at start');
$t->reload;
like($t->error_log, qr/\[warn\].*security_txt_review_by $soon .* days away/,
     'and at reload');

my $r = $t->http('/.well-known/security.txt', host => 'soon.example');
my ($exp) = $r->{body} =~ /^Expires: (.*)$/m;
is($exp, "${soon}T23:59:59Z", 'Expires is capped at the end of the review date');
RFC9116::is_valid($r->{body}, now => time, name => 'capped file valid');

$r = $t->http('/.well-known/security.txt', host => 'far.example');
($exp) = $r->{body} =~ /^Expires: (.*)$/m;
my $exp_epoch = RFC9116::parse_date_time($exp);
ok($exp_epoch > time + 29 * 86400, 'a far review date does not cap Expires');

$r = $t->http('/.well-known/security.txt', host => 'off.example');
($exp) = $r->{body} =~ /^Expires: (.*)$/m;
ok(RFC9116::parse_date_time($exp) > time + 29 * 86400,
   '"security_txt_review_by off" in a server overrides the inherited date');

$r = $t->http('/.well-known/security.txt', host => 'past.example');
is($r->{status}, 200, 'past the review date the file is still served');
($exp) = $r->{body} =~ /^Expires: (.*)$/m;
is($exp, "${past}T23:59:59Z", 'with the review date as Expires');
my $chk = RFC9116::check($r->{body}, now => time);
ok(grep({ $_ eq 'expired' } RFC9116::error_codes($chk)),
   'which validators flag as expired');

$t->new_log;
sleep 1.1;
$t->http('/.well-known/security.txt', host => 'past.example');
like($t->new_log, qr/\[error\].*security_txt_review_by $past for "past\.example" has passed/,
     'each renewal logs the passed review date as an error');

$t->http('/.well-known/security.txt', host => 'soon.example');
sleep 1.1;
$t->http('/.well-known/security.txt', host => 'soon.example');
like($t->new_log, qr/\[warn\].*security_txt_review_by $soon for "soon\.example" is \d days away/,
     'each renewal warns of a near review date');

$t->log_ok(qr/review_by/);
$t->stop;

done_testing;
