#!/usr/bin/perl

# Delivery when the spool or the backend misbehave: a spool directory that
# cannot be written pauses the queue (logged at crit) instead of spinning
# the worker, and delivery resumes once it is back; a report the backend
# took but that cannot be moved to done/ stays in cur/, is not counted,
# and is sent again (same webhook-id) after a restart; a backend that
# answers 200 before it has read the report does not count as a delivery.

use strict;
use warnings;

use FindBin;
use lib "$FindBin::Bin/lib";

use Test::More;
use JSON::PP;
use Time::HiRes qw(sleep time);
use SCTest;
use SCBackend;

my $t = SCTest->new(workers => 1);
my $dir = $t->dir;

backend($t);

$t->run(<<'EOF');
    security_report_queue q spool=%%DIR%%/q
        backend=http://127.0.0.1:%%PORT_1%%/hooks retry_max=1s timeout=5s;

    server {
        listen 127.0.0.1:%%PORT_0%%;
        server_name deliver.example;

        location = /q { security_report queue=q; }
        location = /big {
            security_report queue=q;
            security_report_max_size 24m;
            security_report_token_age 1s 1h;
        }
        location = /metrics { security_report_status; }
    }
EOF

$t->log_ok(qr/\[crit\].*(rename\(\)|opendir\(\)|pauses for|stays in cur)/);

sub metric {
    my ($name) = @_;
    my $m = $t->http('/metrics', host => 'deliver.example')->{body} // '';
    return $m =~ /^\Q$name\E (\d+)$/m ? $1 : undef;
}

# recreated as the worker's user, as nginx made it
sub remake {
    my ($sub) = @_;
    my @st = stat "$dir/q/new" or die;
    mkdir "$dir/q/$sub", 0700 or die "mkdir: $!";
    chown $st[4], $st[5], "$dir/q/$sub";
}

my $id = post_report($t, '/q', 'warm up');
ok(wait_for(sub { -f "$dir/q/done/$id" }, 5), 'delivered while all is well');

# --- cur/ gone: claims fail; the queue pauses, the worker keeps serving

rmdir "$dir/q/cur" or die "rmdir: $!";
my $mark = length $t->error_log;
$id = post_report($t, '/q', 'no cur');
ok(defined $id, 'accepted with cur/ missing');
my $slow = 0;
for (1 .. 20) {
    my $start = time;
    my $r = $t->http('/metrics', host => 'deliver.example');
    $slow++ if $r->{status} != 200 || time - $start > 1;
    sleep 0.1;
}
is($slow, 0, 'the only worker answers at once all along: no spin');
my $log = substr $t->error_log, $mark;
like($log, qr/\[crit\].*rename\(\) ".*\/new\/\Q$id\E" to ".*\/cur\/\Q$id\E" failed/,
     'the failed claim is logged at crit');
like($log, qr/\[crit\].*queue "q" pauses for 1 s: its spool ".*\/q" cannot be written/,
     'and that the queue pauses');
my $lines = () = $log =~ /\[crit\]/g;
cmp_ok($lines, '<', 20, "a few lines in two seconds ($lines), not a flood");
ok(-f "$dir/q/new/$id", 'the report waits in new/');

remake('cur');
ok(wait_for(sub { -f "$dir/q/done/$id" }, 5),
   'cur/ back: the report is delivered');

# --- new/ cannot be listed (no read permission), after a batch was used
# up: the queue pauses; nothing else in the spool is touched

backend($t, '--fail', 1);
$id = post_report($t, '/q', 'retried from a listing');
ok(wait_for(sub { -f "$dir/q/done/$id" }, 5),
   'a retry found by listing new/ is delivered');
backend($t);
$mark = length $t->error_log;
chmod 0300, "$dir/q/new" or die "chmod: $!";
ok(wait_for(sub { substr($t->error_log, $mark) =~ /cannot be read/ }, 5),
   'the failed listing pauses the queue');
like(substr($t->error_log, $mark),
     qr/\[crit\].*opendir\(\) ".*\/q\/new" failed .*\n.*\[crit\].*queue "q" pauses for 1 s: its spool ".*\/q" cannot be read/,
     'both logged at crit');
sleep 2;
ok(-d "$dir/q/cur" && -d "$dir/q/new", 'the spool directories are left alone');
chmod 0700, "$dir/q/new" or die "chmod: $!";
$id = post_report($t, '/q', 'after the listing works again');
ok(wait_for(sub { -f "$dir/q/done/$id" }, 5), 'delivery goes on');

# --- done/ gone: the backend takes it, but it stays in cur/

my $delivered = metric('security_report_delivered_total');
# done/ holds the reports so far: put them aside
rename "$dir/q/done", "$dir/done.kept" or die "rename: $!";
$mark = length $t->error_log;
$id = post_report($t, '/q', 'no done');
ok(wait_for(sub { grep { $_->{id} eq $id } received($t) }, 5),
   'the backend gets the report');
ok(wait_for(sub { substr($t->error_log, $mark) =~ /stays in cur/ }, 5),
   'the failed move is logged');
like(substr($t->error_log, $mark),
     qr/\[crit\].*security report \Q$id\E was delivered to "127\.0\.0\.1:\d+\/hooks" \(200\) but stays in cur\/: it is sent again in 31 s/,
     'at crit, saying when it is sent again');
ok(-f "$dir/q/cur/$id", 'the report is in cur/');
sleep 2;
is(scalar(grep { $_->{id} eq $id } received($t)), 1,
   'not sent again at once');
is(metric('security_report_delivered_total'), $delivered,
   'not counted as delivered');

remake('done');
$t->stop;
$t->start;
ok(wait_for(sub { -f "$dir/q/done/$id" }, 10),
   'after a restart it is sent again and archived');
my @tries = grep { $_->{id} eq $id } received($t);
is(scalar @tries, 2, 'the backend saw it twice, with one webhook-id');

# --- a 200 before the report was read is not a delivery

backend($t, '--early', 1);
my ($token) = $t->http('/big', host => 'deliver.example')->{body}
    =~ /name="form_token" value="([^"]+)"/;
ok($token, 'a form token for the large report');
sleep 1.2;
my $data = join '', map { chr(($_ * 31) % 256) } 0 .. 65535;
my $mp = SCTest::multipart('bOuNdArY',
    [form_token => $token], [leave_empty => ''],
    [title => 'Large'], [target_url => 'https://deliver.example/'],
    [description => 'With a large attachment.'],
    [attachments => { filename => 'dump.bin',
                      type => 'application/octet-stream',
                      data => $data x 256 }]);
my $r = $t->http('/big', method => 'POST', host => 'deliver.example',
                 body => $mp,
                 headers => ['Content-Type' => 'multipart/form-data; boundary=bOuNdArY',
                             Accept => 'application/json']);
is($r->{status}, 201, 'a 16 MB report accepted') or diag($r->{body});
$id = eval { decode_json($r->{body})->{id} } // '';
ok(wait_for(sub { -f "$dir/q/done/$id" }, 30),
   'delivered in the end') or diag(substr $t->error_log, -2000);
like($t->error_log,
     qr/security report \Q$id\E not delivered .*attempt 1: answered before the report was sent in full/,
     'the early 200 counted as a failed attempt');
# the early answer is logged once its connection closes
wait_for(sub { grep({ $_->{id} eq $id } received($t)) >= 2 }, 5);
@tries = sort { $a->{n} <=> $b->{n} } grep { $_->{id} eq $id } received($t);
is(join(' ', map { $_->{status} } @tries), 'early 200',
   'an early answer, then a delivery');
my $payload = eval { decode_json($tries[-1]{body}) } // {};
my $spool = eval { decode_json($t->read_file("q/done/$id")) } // {};
is_deeply($payload->{data}, $spool, 'the backend got the whole record');

$t->stop;

done_testing;
