#!/usr/bin/perl

# A backend name with several addresses (resolved when the configuration
# is read): after an attempt that got no answer, the next attempt goes to
# the next address.  The name is given two loopback addresses through
# nss_wrapper's hosts file; the receiver listens on 127.0.0.1 only.

use strict;
use warnings;

use FindBin;
use lib "$FindBin::Bin/lib";

use Test::More;
use SCTest;
use SCBackend;

my ($wrapper) = grep { -f } glob('/usr/lib/*/libnss_wrapper.so');
plan skip_all => 'libnss-wrapper is not installed' unless $wrapper;

my $t = SCTest->new(workers => 1);
my $dir = $t->dir;

$t->write_file('hosts', "127.0.0.2 hooks.test\n127.0.0.1 hooks.test\n");
$t->{env} = { LD_PRELOAD => $wrapper, NSS_WRAPPER_HOSTS => "$dir/hosts" };

$t->run(<<'EOF', ports => [$t->port(0)]);
    security_report_queue q spool=%%DIR%%/q
        backend=http://hooks.test:%%PORT_1%%/hooks retry_max=1s timeout=2s;

    server {
        listen 127.0.0.1:%%PORT_0%%;
        location = /q { security_report queue=q; }
    }
EOF

# the receiver down: each attempt is refused, by one address, then the other
my $port = $t->port(1);
my $id = post_report($t, '/q', 'two addresses');
ok(defined $id, 'report accepted');
ok(wait_for(sub {
       my $log = $t->error_log;
       $log =~ /at 127\.0\.0\.1:$port \(attempt \d+: cannot connect\)/
       && $log =~ /at 127\.0\.0\.2:$port \(attempt \d+: cannot connect\)/
   }, 10),
   'attempts went to both addresses of the name') or diag($t->error_log);

backend($t);
ok(wait_for(sub { -f "$dir/q/done/$id" }, 10),
   'once the receiver is up, delivered at the address it listens on');
is(scalar(grep { $_->{id} eq $id } received($t)), 1, 'once');

$t->stop;

done_testing;
