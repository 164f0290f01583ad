#!/usr/bin/perl

# Delivery to a backend: a real webhook receiver on the loopback checks
# every signature; faults (failures, a backend that is down, 429 with
# Retry-After, a connection closed without answer, a worker killed during
# a delivery, a restart) end with every report delivered, with a stable
# webhook-id; a report past max_age goes to dead/.

use strict;
use warnings;

use FindBin;
use lib "$FindBin::Bin/lib";

use Test::More;
use JSON::PP;
use MIME::Base64;
use POSIX qw(:sys_wait_h);
use Time::HiRes qw(sleep time);
use SCTest;
use SCBackend;

my $t = SCTest->new(workers => 2);
my $dir = $t->dir;

# secrets as Standard Webhooks writes them
$t->write_file('hmac.secret',
               'whsec_' . encode_base64('0123456789abcdef0123456789abcdef', '')
               . "\n", 0600);
$t->write_file('ed.secret', 'whsk_' . encode_base64('k' x 32, '') . "\n",
               0600);
system("$FindBin::Bin/../scripts/security-report-seal", 'keygen',
       "$dir/seal.secret", "$dir/seal.public") == 0 or die;

backend($t, '--secret', "$dir/hmac.secret", '--secret', "$dir/ed.secret");

$t->run(<<'EOF');
    security_report_queue hmac spool=%%DIR%%/hmac
        backend=http://127.0.0.1:%%PORT_1%%/hooks/security
        webhook_secret=%%DIR%%/hmac.secret retry_max=2s max_age=1h
        timeout=3s;
    security_report_queue ed spool=%%DIR%%/ed
        backend=http://127.0.0.1:%%PORT_1%%/hooks/security
        webhook_secret=%%DIR%%/ed.secret retry_max=2s;
    security_report_queue short spool=%%DIR%%/short
        backend=http://127.0.0.1:%%PORT_1%%/ retry_max=1s max_age=3s;
    security_report_queue quick spool=%%DIR%%/quick
        backend=http://127.0.0.1:%%PORT_1%%/ retry_max=1s timeout=1s;
    security_report_queue sealed spool=%%DIR%%/sealed
        backend=http://127.0.0.1:%%PORT_1%%/ seal=%%DIR%%/seal.public;

    server {
        listen 127.0.0.1:%%PORT_0%%;
        server_name deliver.example;

        location = /hmac  { security_report queue=hmac; }
        location = /ed    { security_report queue=ed; }
        location = /short { security_report queue=short; }
        location = /quick { security_report queue=quick; }
        location = /sealed { security_report queue=sealed; }
        location = /metrics { security_report_status; }
    }
EOF

# --- a healthy backend: each report arrives once, signed, as stored

my @ids = map { post_report($t, '/hmac', "report $_") } 1 .. 3;
ok(!grep({ !defined } @ids), 'three reports accepted');

ok(wait_for(sub { files($t, 'hmac', 'done') == 3 }, 10),
   'all three delivered and moved to done/') or diag(explain [received($t)]);

my @got = received($t);
is(scalar @got, 3, 'the backend got three requests');
is_deeply([sort map { $_->{id} } @got], [sort @ids],
          'webhook-id is the receipt ID');
ok(!grep({ !$_->{signature_ok} } @got),
   'every v1 HMAC signature verifies at the backend');

my $rec = decode_json($t->read_file("hmac/done/$ids[0]"));
my ($first) = grep { $_->{id} eq $ids[0] } @got;
my $payload = decode_json($first->{body});
is($payload->{type}, 'security_report.received', 'payload type');
like($payload->{timestamp}, qr/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/,
     'payload timestamp');
is_deeply($payload->{data}, $rec, 'data is the spool record');
is(scalar(files($t, 'hmac', 'new')) + scalar(files($t, 'hmac', 'cur')), 0,
   'nothing left in new/ or cur/');

# --- Ed25519 (whsk_)

my $ed = post_report($t, '/ed');
ok(wait_for(sub { files($t, 'ed', 'done') == 1 }, 10), 'Ed25519 queue delivered');
my ($edreq) = grep { $_->{id} eq $ed } received($t);
ok($edreq && $edreq->{signature_ok}, 'the v1a Ed25519 signature verifies');

# --- failures, then success

unlink "$dir/received.log";
backend($t, '--secret', "$dir/hmac.secret", '--fail', 2, '--status', 500);
my $id = post_report($t, '/hmac', 'retried');
ok(wait_for(sub { -f "$dir/hmac/done/$id" }, 15),
   '500 twice, then delivered') or diag($t->error_log);
my @tries = grep { $_->{id} eq $id } received($t);
is(scalar @tries, 3, 'three attempts');
is_deeply([map { $_->{status} } @tries], [500, 500, 200],
          'answered 500, 500, 200');
like($t->error_log, qr/\[warn\].*security report \Q$id\E not delivered .*attempt 1: status 500\): retrying in \d+ s/,
     'each failure is logged with what comes next');

# --- the backend is down, then up

stop_backend();
unlink "$dir/received.log";
$id = post_report($t, '/hmac', 'while down');
sleep 1.5;
ok(!-f "$dir/hmac/done/$id", 'not delivered while the backend is down');
backend($t, '--secret', "$dir/hmac.secret");
ok(wait_for(sub { -f "$dir/hmac/done/$id" }, 10),
   'delivered once it is back, within retry_max') or diag($t->error_log);

# --- 429 with Retry-After, and a connection closed without an answer

unlink "$dir/received.log";
backend($t, '--secret', "$dir/hmac.secret", '--fail', 1, '--status', 429,
        '--retry-after', 1);
$id = post_report($t, '/hmac', 'slow down');
ok(wait_for(sub { -f "$dir/hmac/done/$id" }, 10), '429, then delivered');
@tries = grep { $_->{id} eq $id } received($t);
is_deeply([map { $_->{status} } @tries], [429, 200], 'answered 429, 200');

unlink "$dir/received.log";
backend($t, '--secret', "$dir/hmac.secret", '--close', 1);
$id = post_report($t, '/hmac', 'closed');
ok(wait_for(sub { -f "$dir/hmac/done/$id" }, 10),
   'closed without an answer, then delivered');
@tries = grep { $_->{id} eq $id } received($t);
is(scalar @tries, 2, 'two attempts, the same webhook-id');

# --- a backend too slow: the attempt times out, the next one succeeds

unlink "$dir/received.log";
backend($t, '--delay', 3, '--slow', 1);
$id = post_report($t, '/quick', 'slow backend');
ok(wait_for(sub { -f "$dir/quick/done/$id" }, 15),
   'timed out once (timeout=1s), then delivered');
like($t->error_log, qr/security report \Q$id\E not delivered .*timed out reading/,
     'the timeout is logged');

# --- sealed reports travel sealed

$id = post_report($t, '/sealed', 'a sealed one');
ok(wait_for(sub { -f "$dir/sealed/done/$id" }, 10), 'sealed: delivered');
my ($sealed) = grep { $_->{id} eq $id } received($t);
my $sdata = decode_json($sealed->{body})->{data};
ok($sdata->{sealed} && !exists $sdata->{report}, 'the data is sealed');
$t->write_file('sealed.bin', decode_base64($sdata->{sealed}));
my $clear = `$FindBin::Bin/../scripts/security-report-seal open $dir/seal.secret $dir/sealed.bin`;
is(eval { decode_json($clear)->{id} }, $id,
   'the backend opens it with its secret key');

# --- 1,000 reports under load, each delivered exactly once

unlink "$dir/received.log";
backend($t, '--secret', "$dir/hmac.secret");
my $done_before = scalar(my @d = files($t, 'hmac', 'done'));
my %accepted;
my @kids;
for my $k (0 .. 3) {
    pipe my $rd, my $wr or die;
    my $pid = fork // die;
    if ($pid == 0) {
        close $rd;
        for my $i (1 .. 250) {
            my $rid = post_report($t, '/hmac', "load $k $i");
            print $wr "$rid\n" if $rid;
        }
        close $wr;

        # not exit(): the harness's destructor would stop nginx
        POSIX::_exit(0);
    }
    close $wr;
    push @kids, [$pid, $rd];
}
for my $kid (@kids) {
    my $fh = $kid->[1];
    while (my $l = <$fh>) { chomp $l; $accepted{$l}++ }
    waitpid $kid->[0], 0;
}
is(scalar keys %accepted, 1000, '1,000 reports accepted from 4 clients');
my $t0 = time;
ok(wait_for(sub { my @d = files($t, 'hmac', 'done'); @d >= $done_before + 1000 },
            60),
   'all delivered') or diag(scalar(my @n = files($t, 'hmac', 'new')));
note(sprintf 'the last of them delivered %.1f s after the last was accepted',
     time - $t0);
my %seen;
$seen{$_->{id}}++ for received($t);
is(scalar(grep { $accepted{$_} } keys %seen), 1000,
   'the backend saw every one');
is(scalar(grep { $seen{$_} > 1 } keys %seen), 0, 'each exactly once');
ok(!grep({ !$_->{signature_ok} } received($t)), 'every signature valid');

# --- max_age: a report that cannot be delivered in time goes to dead/

stop_backend();
$id = post_report($t, '/short', 'doomed');
ok(wait_for(sub { -f "$dir/short/dead/$id" }, 15),
   'past max_age: moved to dead/');
like($t->error_log, qr/\[error\].*security report \Q$id\E (of queue "short" is older than max_age|not delivered .*moved to dead)/,
     'and the error log says so');

# --- a worker killed during a delivery

unlink "$dir/received.log";
backend($t, '--secret', "$dir/hmac.secret", '--delay', 2, '--slow', 1);
$id = post_report($t, '/hmac', 'killed');
ok(wait_for(sub { files($t, 'hmac', 'cur') == 1 }, 5), 'the report is claimed');
my @workers = $t->worker_pids;
kill 'KILL', @workers;
$t->log_ok(qr/exited on signal 9/);
$t->wait_workers;
# the worker that takes the queue over moves the claim back at once,
# without waiting for the 30 s lease
ok(wait_for(sub { -f "$dir/hmac/done/$id" }, 15),
   'after kill -9, the claim goes back and the report is delivered');
@tries = grep { $_->{id} eq $id } received($t);
ok(@tries >= 1 && !grep({ $_->{id} ne $id } @tries),
   'delivered with the same webhook-id');

# the status page against what happened: files in the spool, and the
# failed attempts nginx logged one by one
my $status = $t->http('/metrics', host => 'deliver.example')->{body};
like($status, qr/^security_report_dead_total 1$/m,
     'the status page counts one dead letter');
my $done = 0;
$done += files($t, $_, 'done') for qw(hmac ed short quick sealed);
like($status, qr/^security_report_delivered_total $done$/m,
     "it counts as delivered the $done reports in done/");
my $failed = () = $t->error_log =~ /\[warn\].* not delivered to .*: retrying in/g;
like($status, qr/^security_report_delivery_failures_total $failed$/m,
     "and the $failed failed attempts the log shows");
like($status, qr/^security_report_spool_files\{queue="hmac",dir="done"\} @{[ scalar files($t, 'hmac', 'done') ]}$/m,
     'the spool gauge counts done/');

# --- a reload in the middle of a delivery

unlink "$dir/received.log";
backend($t, '--secret', "$dir/hmac.secret", '--delay', 1, '--slow', 1);
$id = post_report($t, '/hmac', 'reloaded');
ok(wait_for(sub { files($t, 'hmac', 'cur') == 1 }, 5), 'claimed before reload');
$t->reload;
ok(wait_for(sub { -f "$dir/hmac/done/$id" }, 15),
   'a reload during the delivery: delivered');
@tries = grep { $_->{id} eq $id } received($t);
ok(@tries >= 1 && !grep({ $_->{id} ne $id } @tries),
   'with its one webhook-id');
is(scalar(files($t, 'hmac', 'cur')), 0, 'no claim left behind');

# --- after a reload, and a restart with reports in new/ and cur/

$id = post_report($t, '/hmac', 'after reload');
ok(wait_for(sub { -f "$dir/hmac/done/$id" }, 10), 'delivered after a reload');

stop_backend();
my $a = post_report($t, '/hmac', 'restart a');
my $b = post_report($t, '/hmac', 'restart b');
$t->stop;
ok(-f "$dir/hmac/new/$a" || -f "$dir/hmac/cur/$a", 'undelivered at stop');
rename "$dir/hmac/new/$b", "$dir/hmac/cur/$b";
unlink "$dir/received.log";
backend($t, '--secret', "$dir/hmac.secret");
$t->start;
# the first worker to deliver the queue moves claims in cur/ back
ok(wait_for(sub { -f "$dir/hmac/done/$a" && -f "$dir/hmac/done/$b" }, 15),
   'after a restart, reports in new/ and cur/ are delivered');

my $m = $t->http('/metrics', host => 'deliver.example')->{body};
like($m, qr/^security_report_delivered_total \d+$/m, 'delivered counter');

$t->log_ok(qr/exited on signal|not delivered|older than max_age/);
$t->stop;

# --- a single process (master_process off) delivers too

my $s = SCTest->new;
$s->{ports}[1] = $t->port(1);
$s->write_conf(<<'EOF', master => 0);
    security_report_queue single spool=%%DIR%%/single
        backend=http://127.0.0.1:%%PORT_1%%/ retry_max=1s;
    server {
        listen 127.0.0.1:%%PORT_0%%;
        location = /report { security_report; }
    }
EOF
$s->start(ports => [$s->port(0)]);
my $sr = $s->http('/report', method => 'POST', host => 'deliver.example',
                  body => encode_json({ title => 'single',
                                        target_url => 'https://x.example/',
                                        description => 'd' }),
                  headers => ['Content-Type' => 'application/json']);
my $sid = eval { decode_json($sr->{body})->{id} } // '';
ok(wait_for(sub { -f $s->dir . "/single/done/$sid" }, 10),
   'master_process off: delivered by the single process');
$s->stop;

stop_backend();

done_testing;
