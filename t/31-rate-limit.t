#!/usr/bin/perl

# Rate limiting of reports: GCRA per client prefix from several loopback
# source addresses and ::1, rates per hour, a global rate, state kept
# across reloads, and a full zone that neither fails open nor shuts
# everyone out.

use strict;
use warnings;

use FindBin;
use lib "$FindBin::Bin/lib";

use Test::More;
use SCTest;

my $t = SCTest->new;

$t->run(<<'EOF');
    security_report_queue main spool=%%DIR%%/spool;

    security_report_zone zone=perip:1m rate=6r/m burst=2;
    security_report_zone zone=hourly:1m rate=2r/h;
    security_report_zone zone=daily:1m rate=3r/d burst=1;
    security_report_zone zone=shared:1m rate=60r/m burst=1 global=3r/m;
    security_report_zone zone=prefix:1m rate=1r/m ipv4_prefix=24;
    security_report_zone zone=tiny:32k rate=1r/h;

    server {
        listen 127.0.0.1:%%PORT_0%%;
        listen [::1]:%%PORT_0%%;
        server_name limits.example;

        location = /perip  { security_report zone=perip; }
        location = /hourly { security_report zone=hourly; }
        location = /daily  { security_report zone=daily; }
        location = /shared { security_report zone=shared; }
        location = /prefix { security_report zone=prefix; }
        location = /tiny   { security_report zone=tiny; }
        location = /free   { security_report; }
    }
EOF

# An invalid report: charged like any other, answered 400 when allowed
# (and so nothing is stored), 429 when limited.
sub post {
    my ($path, %o) = @_;
    return $t->http($path, method => 'POST', host => 'limits.example',
                    body => '{}', addr => $o{addr}, peer => $o{peer},
                    headers => ['Content-Type' => 'application/json']);
}

sub count {
    my ($path, $n, %o) = @_;
    my %seen;
    my $last;
    for (1 .. $n) {
        $last = post($path, %o);
        $seen{$last->{status}}++;
    }
    return (\%seen, $last);
}

# --- per client: burst + 1 at once, then limited

my ($seen, $last) = count('/perip', 6, addr => '127.0.0.2');
is($seen->{400} // 0, 3, '127.0.0.2: burst=2 lets 3 through at once');
is($seen->{429} // 0, 3, '127.0.0.2: the rest are limited');

my $retry = $last->{headers}{'retry-after'};
ok(defined $retry && $retry >= 1 && $retry <= 10,
   '429 has Retry-After within the emission interval (10 s)')
    or diag($retry);
like($last->{headers}{'ratelimit-policy'} // '', qr/^"default";q=3;w=\d+$/,
     'RateLimit-Policy names the quota');
like($last->{headers}{ratelimit} // '', qr/^"default";r=0;t=\d+$/,
     'RateLimit says none remain');
like($last->{body}, qr/"error":"rate_limited"/, '429 says why');

($seen) = count('/perip', 4, addr => '127.0.0.3');
is($seen->{400} // 0, 3, '127.0.0.3 has a bucket of its own');

($seen) = count('/perip', 4, peer => '::1');
is($seen->{400} // 0, 3, '::1 has a bucket of its own');

my $ok = post('/perip', addr => '127.0.0.4');
like($ok->{headers}{ratelimit} // '', qr/^"default";r=2;t=\d+$/,
     'an allowed request says how many remain');

# --- prefixes: ipv4_prefix=24 puts 127.0.0.5 and 127.0.0.6 together

is(post('/prefix', addr => '127.0.0.5')->{status}, 400, '/24: first allowed');
is(post('/prefix', addr => '127.0.0.6')->{status}, 429,
   '/24: the neighbour shares the bucket');
is(post('/prefix', addr => '127.0.1.6')->{status}, 400,
   '/24: another /24 does not');

# --- per hour and per day

($seen, $last) = count('/hourly', 3, addr => '127.0.0.7');
is($seen->{400} // 0, 1, 'r/h: one at once');
ok($last->{headers}{'retry-after'} > 1700
   && $last->{headers}{'retry-after'} <= 1800,
   'r/h: Retry-After about half an hour') or diag($last->{headers}{'retry-after'});

($seen, $last) = count('/daily', 4, addr => '127.0.0.8');
is($seen->{400} // 0, 2, 'r/d: burst=1 lets 2 through');
ok($last->{headers}{'retry-after'} > 7 * 3600,
   'r/d: Retry-After in hours') or diag($last->{headers}{'retry-after'});

# --- the global rate caps the total

my $total = 0;
for my $a (map { "127.0.0.$_" } 20 .. 25) {
    my ($s) = count('/shared', 2, addr => $a);
    $total += $s->{400} // 0;
}
is($total, 2, 'global=3r/m burst=1: two in all, from six clients');

# --- no zone, no limit

($seen) = count('/free', 10, addr => '127.0.0.9');
is($seen->{400} // 0, 10, 'a location without a zone is not limited');

# --- reload keeps the state

$t->reload;
is(post('/perip', addr => '127.0.0.2')->{status}, 429,
   'after a reload 127.0.0.2 is still limited');
is(post('/hourly', addr => '127.0.0.7')->{status}, 429,
   'and so is the hourly client');

# --- a full zone: drained entries go, then one strict shared bucket

my %tiny;
my @late;
for my $i (0 .. 599) {
    my $a = sprintf '127.0.%d.%d', 10 + int($i / 250), 1 + $i % 250;
    my $s = post('/tiny', addr => $a)->{status};
    $tiny{$s}++;
    push @late, $s if $i >= 500;
}
ok(($tiny{400} // 0) >= 100, 'a 32k zone holds a good number of clients')
    or diag(explain \%tiny);
ok(($tiny{429} // 0) > 0, 'new clients beyond it are limited: never fails open')
    or diag(explain \%tiny);
is(scalar(grep { $_ == 400 } @late), 0,
   'they share one strict bucket once it is used');
like($t->error_log, qr/\[warn\].*security_report_zone "tiny" is full: new clients share one strict limit/,
     'and the error log says so');
is(post('/tiny', addr => '127.0.10.1')->{status}, 429,
   'clients already known keep their own state');
is(post('/perip', addr => '127.0.0.30')->{status}, 400,
   'other zones are not affected');

$t->stop;

done_testing;
