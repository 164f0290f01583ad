#!/usr/bin/perl

# One worker at a time delivers a queue, through its slot in shared
# memory: the status page names it, only it sends, and a report just
# accepted is sent at once (not at the next listing of new/).  When it is
# killed another worker takes over at once and sends its claim again;
# after a reload a new worker takes over from the old one; a worker that
# stops answering (SIGSTOP) loses the queue once its lease runs out, and
# says so when it runs again.

use strict;
use warnings;

use FindBin;
use lib "$FindBin::Bin/lib";

use Test::More;
use Time::HiRes qw(sleep time);
use SCTest;
use SCBackend;

my $t = SCTest->new(workers => 3);
my $dir = $t->dir;

backend($t);

$t->run(<<'EOF');
    security_report_queue q spool=%%DIR%%/q
        backend=http://127.0.0.1:%%PORT_1%%/hooks retry_max=1s timeout=3s;
    security_report_queue other spool=%%DIR%%/other
        backend=http://127.0.0.1:%%PORT_1%%/other retry_max=1s;
    security_report_queue pickup spool=%%DIR%%/pickup;

    server {
        listen 127.0.0.1:%%PORT_0%%;
        server_name deliver.example;

        location = /q      { security_report queue=q; }
        location = /other  { security_report queue=other; }
        location = /pickup { security_report queue=pickup; }
        location = /metrics { security_report_status; }
    }
EOF

# the pid the status page names for a queue (0: none)
sub owner {
    my ($q) = @_;
    my $m = $t->http('/metrics', host => 'deliver.example')->{body} // '';
    return $m =~ /^security_report_delivery_owner_pid\{queue="\Q$q\E"\} (\d+)$/m
           ? $1 : undef;
}

# the pids that logged a delivery of these reports
sub senders {
    my (@ids) = @_;
    my %want = map { $_ => 1 } @ids;
    my %pids;
    for (split /\n/, $t->error_log) {
        $pids{$1}++ if /\[info\] (\d+)#\d+: security report (\w{26}) delivered/
                       && $want{$2};
    }
    return sort keys %pids;
}

# --- one owner, named on the status page, sends everything

my @ids = map { post_report($t, '/q', "report $_") } 1 .. 30;
ok(!grep({ !defined } @ids), 'thirty reports accepted');
ok(wait_for(sub { files($t, 'q', 'done') == 30 }, 10), 'all delivered');

my %workers = map { $_ => 1 } $t->worker_pids;
my $owner = owner('q');
ok($owner && $workers{$owner}, 'the status page names a worker')
    or diag("owner " . ($owner // 'none'));
is_deeply([senders(@ids)], [$owner], 'that worker, and only it, sent them');
ok(defined owner('other'), 'each queue with a backend has its line');
is(owner('pickup'), undef, 'a queue without a backend has none');

my @taken = $t->error_log =~ /security report queue "q" is delivered by this process now/g;
is(scalar @taken, 1, 'the queue was taken once');

# --- sent at once: before new/ would be listed again (every second)

my @late;
for my $n (1 .. 8) {
    sleep 0.1 + rand 0.4;
    my $start = time;
    my $id = post_report($t, '/q', "at once $n");
    wait_for(sub { -f "$dir/q/done/$id" }, 5, 0.005);
    my $took = time - $start;
    push @late, sprintf('%.3f s', $took) if $took > 0.5;
}
ok(!@late, 'each report delivered within 0.5 s of its 201')
    or diag("late: @late");

# --- the owner killed during a delivery: another worker takes over at once

backend($t, '--delay', 3, '--slow', 1);
my $id = post_report($t, '/q', 'killed');
ok(wait_for(sub { files($t, 'q', 'cur') == 1 }, 5), 'the report is claimed');
kill 'KILL', $owner;
$t->log_ok(qr/exited on signal 9/);
my $killed_at = time;
ok(wait_for(sub { -f "$dir/q/done/$id" }, 20),
   'after kill -9 of the owner, the report is delivered');
my $took = time - $killed_at;
cmp_ok($took, '<', 25, 'without waiting for the 30 s lease')
    or diag("took $took s");
like($t->error_log,
     qr/queue "q" is delivered by this process now: process $owner exited without letting go/,
     'the new owner says whose queue it took');
my @tries = grep { $_->{id} eq $id } received($t);
ok(@tries >= 1, 'the backend got it, with its webhook-id');
my $new = owner('q');
ok($new && $new != $owner, 'another process delivers now');
$t->wait_workers;

# --- a reload: a worker of the new generation takes over

backend($t);
my @before = $t->worker_pids;
$t->reload;
my %after = map { $_ => 1 } $t->worker_pids;
ok(wait_for(sub { my $o = owner('q'); $o && $after{$o} }, 10),
   'after a reload a new worker delivers');
$id = post_report($t, '/q', 'after reload');
my @once = ($id);
ok(wait_for(sub { -f "$dir/q/done/$id" }, 5), 'and sends');
is_deeply([senders($id)], [owner('q')], 'it, and no old worker');

# --- a stuck owner loses the queue once its lease (30 s) runs out

$owner = owner('q');
kill 'STOP', $owner;
my $stopped_at = time;
$id = post_report($t, '/q', 'stuck');
push @once, $id;
sleep 3;
ok(!-f "$dir/q/done/$id", 'while the owner holds its lease, no other sends');
ok(wait_for(sub { -f "$dir/q/done/$id" }, 45),
   'once the lease runs out, another worker delivers');
$took = time - $stopped_at;
cmp_ok($took, '>=', 25, 'not before the lease ran out') or diag("took $took s");
like($t->error_log,
     qr/\[warn\].*queue "q" is delivered by this process now: process $owner did not renew its lease/,
     'the new owner says why, as a warning');

kill 'CONT', $owner;
ok(wait_for(sub { $t->error_log =~ /\[warn\] $owner#\d+: security report queue "q" was taken over by another process/ }, 5),
   'the stopped worker, running again, knows it lost the queue');

$id = post_report($t, '/q', 'after the stop');
push @once, $id;
ok(wait_for(sub { -f "$dir/q/done/$id" }, 5), 'delivery goes on');
isnt((senders($id))[0], $owner, 'by the new owner');

# nothing was under way when the owner stopped: no attempt to repeat
my %seen;
$seen{$_->{id}}++ for received($t);
is(join(' ', map { $seen{$_} // 0 } @once), '1 1 1',
   'since the reload, each report reached the backend once');

$t->stop;

done_testing;
