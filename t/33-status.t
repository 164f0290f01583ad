#!/usr/bin/perl

# security_report_status: the Prometheus figures match what the test did.

use strict;
use warnings;

use FindBin;
use lib "$FindBin::Bin/lib";

use Test::More;
use JSON::PP;
use SCTest;
use RFC9116;

my $t = SCTest->new(workers => 2);

$t->run(<<'EOF');
    security_report_queue main spool=%%DIR%%/spool;
    security_report_zone zone=z:1m rate=1r/h burst=2;

    server {
        listen 127.0.0.1:%%PORT_0%% reuseport;
        server_name status.example;

        security_txt on;
        security_txt_https_only off;
        security_txt_contact mailto:security@status.example;
        security_txt_expires 10d renew=1h;

        location = /report { security_report zone=z; }
        location = /free { security_report; }
        location = /metrics { security_report_status; }
    }

    server {
        listen 127.0.0.1:%%PORT_0%%;
        server_name plain.example;
    }
EOF

sub post {
    my ($path, $body, %o) = @_;
    return $t->http($path, method => 'POST', host => 'status.example',
                    body => $body, addr => $o{addr},
                    headers => ['Content-Type' => $o{type}
                                                  // 'application/json']);
}

my $good = encode_json({ title => 't', description => 'd',
                         target_url => 'https://status.example/' });

# 3 accepted (burst 2 + 1), 1 limited, from one client
my %st;
$st{post('/report', $good, addr => '127.0.0.2')->{status}}++ for 1 .. 4;
is($st{201}, 3, 'three accepted');
is($st{429}, 1, 'one limited');

# rejections of every kind that is easy to make
is(post('/free', '{')->{status}, 400, 'invalid JSON');
is(post('/free', '{"title":"t"}')->{status}, 400, 'invalid fields');
is(post('/free', '{"title":"t"}')->{status}, 400, 'invalid fields again');
is(post('/free', 'x', type => 'text/plain')->{status}, 415, 'bad type');
is(post('/free', $good)->{status}, 201, 'a fourth accepted');

my $m = $t->http('/metrics', host => 'status.example');
is($m->{status}, 200, 'status: 200');
like($m->{headers}{'content-type'}, qr{^text/plain; version=0\.0\.4},
     'Prometheus text format');

my %v;
for my $line (split /\n/, $m->{body}) {
    next if $line =~ /^#/;
    my ($k, $val) = $line =~ /^(\S+) (\S+)$/ or next;
    $v{$k} = $val;
}

is($v{security_report_accepted_total}, 4, 'accepted: 4, across workers');
is($v{security_report_rate_limited_total}, 1, 'rate limited: 1');
is($v{'security_report_rejected_total{reason="invalid_json"}'}, 1,
   'rejected invalid_json: 1');
is($v{'security_report_rejected_total{reason="invalid_fields"}'}, 2,
   'rejected invalid_fields: 2');
is($v{'security_report_rejected_total{reason="unsupported_media_type"}'}, 1,
   'rejected unsupported_media_type: 1');
is($v{security_report_not_stored_total}, 0, 'not stored: 0');
is($v{'security_report_spool_files{queue="main",dir="new"}'}, 4,
   'four files in new/');
is($v{'security_report_spool_files{queue="main",dir="tmp"}'}, 0,
   'none in tmp/');
ok(defined $v{'security_report_oldest_undelivered_seconds{queue="main"}'}
   && $v{'security_report_oldest_undelivered_seconds{queue="main"}'} < 60,
   'the oldest undelivered report is seconds old');

my $file = $t->http('/.well-known/security.txt', host => 'status.example');
my ($exp) = $file->{body} =~ /^Expires: (.*)$/m;
is($v{'security_txt_expires_timestamp_seconds{server="status.example"}'},
   RFC9116::parse_date_time($exp), 'the Expires the file shows');
ok($v{'security_txt_last_renewal_timestamp_seconds{server="status.example"}'}
   <= time, 'and its last renewal');
ok(!exists $v{'security_txt_expires_timestamp_seconds{server="plain.example"}'},
   'servers without security.txt are not listed');

$t->reload;
$m = $t->http('/metrics', host => 'status.example');
like($m->{body}, qr/^security_report_accepted_total 4$/m,
     'counters survive a reload');

$t->stop;

done_testing;
