#!/usr/bin/perl

# With an event method that cannot be notified (poll, select), nginx
# refuses thread pools when its workers start: the module then writes the
# spool in the worker itself, says so at nginx -t, and reports are still
# stored, acknowledged, and delivered at once through the queue's pipe.
# Debian's packaged nginx has neither method; a source build (make
# test-static) has both.

use strict;
use warnings;

use FindBin;
use lib "$FindBin::Bin/lib";

use Test::More;
use SCTest;
use SCBackend;

my $conf = <<'EOF';
    security_report_queue q spool=%%DIR%%/q
        backend=http://127.0.0.1:%%PORT_1%%/hooks retry_max=1s;

    server {
        listen 127.0.0.1:%%PORT_0%%;
        location = /q { security_report queue=q; }
    }
EOF

my $any;

for my $method (qw(poll select)) {
    my $t = SCTest->new(workers => 2);
    my $dir = $t->dir;
    $t->write_conf($conf, events => "use $method;");

    my ($rc, $out) = $t->test_conf;
    if ($out =~ /invalid event type "$method"/) {
        note("this nginx has no $method method");
        next;
    }
    $any++;

    is($rc, 0, "$method: nginx -t passes");
    like($out, qr/\[warn\].*the event method cannot be used with thread pools: security reports are written to the spool by the worker itself/,
         "$method: and says the spool is written without threads");

    backend($t);
    $t->start(ports => [$t->port(0)]);

    my @ids = map { post_report($t, '/q', "$method $_") } 1 .. 5;
    is(scalar(grep { defined } @ids), 5, "$method: five reports accepted");
    ok(wait_for(sub { !grep { !-f "$dir/q/done/$_" } @ids }, 10),
       "$method: all delivered");
    is(scalar(received($t)), 5, "$method: each once");
    unlike($t->error_log, qr/thread pool/i,
           "$method: no thread pool was started");

    $t->stop;
    stop_backend();
}

plan skip_all => 'this nginx has neither poll nor select' unless $any;

done_testing;
