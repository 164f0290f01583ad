#!/usr/bin/perl

# Delivery to an https backend: its certificate is verified against ca=,
# with SNI; a certificate the CA did not issue stops delivery (logged),
# and once the right CA is configured the report is delivered.

use strict;
use warnings;

use FindBin;
use lib "$FindBin::Bin/lib";

use Test::More;
use JSON::PP;
use SCTest;
use SCBackend;

my $t = SCTest->new;
my $dir = $t->dir;

sub openssl {
    my $pid = fork // die;
    if ($pid == 0) {
        open STDERR, '>', '/dev/null';
        open STDOUT, '>', '/dev/null';
        exec 'openssl', @_;
        die;
    }
    waitpid $pid, 0;
    $? == 0 or die "openssl @_ failed";
}

# two CAs; the backend's certificate for localhost is issued by the first
for my $ca (qw(ca other)) {
    openssl('req', '-x509', '-newkey', 'ec', '-pkeyopt',
            'ec_paramgen_curve:prime256v1', '-nodes', '-keyout',
            "$dir/$ca.key", '-out', "$dir/$ca.pem", '-days', '2', '-subj',
            "/CN=Test $ca", '-addext', 'basicConstraints=critical,CA:TRUE',
            '-addext', 'keyUsage=critical,keyCertSign');
}
openssl('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1',
        '-nodes', '-keyout', "$dir/server.key", '-out', "$dir/server.csr",
        '-subj', '/CN=localhost');
$t->write_file('ext.cnf', "subjectAltName=DNS:localhost,IP:127.0.0.1\n");
openssl('x509', '-req', '-in', "$dir/server.csr", '-CA', "$dir/ca.pem",
        '-CAkey', "$dir/ca.key", '-CAcreateserial', '-out',
        "$dir/server.pem", '-days', '2', '-extfile', "$dir/ext.cnf");

backend($t, '--tls', "$dir/server.pem", "$dir/server.key");

sub conf {
    my ($ca) = @_;
    return <<"EOF";
    security_report_queue tls spool=%%DIR%%/spool
        backend=https://localhost:%%PORT_1%%/hooks ca=%%DIR%%/$ca.pem
        retry_max=1s;
    security_report_queue ip spool=%%DIR%%/ipspool
        backend=https://127.0.0.1:%%PORT_1%%/hooks ca=%%DIR%%/$ca.pem
        retry_max=1s;

    server {
        listen 127.0.0.1:%%PORT_0%%;
        server_name tls.example;
        location = /report { security_report queue=tls; }
        location = /ip { security_report queue=ip; }
    }
EOF
}

$t->run(conf('other'));

my $id = post_report($t, '/report', 'tls', 'tls.example');
ok(defined $id, 'report accepted');

ok(wait_for(sub { $t->error_log =~ /is not trusted/ }, 10),
   'a certificate from another CA is refused, and logged')
    or diag($t->error_log);
like($t->error_log, qr/the certificate of backend "localhost:\d+\/hooks" is not trusted: .*set ca= to the CA/,
     'the log says what to do');
ok(!-f "$dir/spool/done/$id", 'not delivered');
ok(!-s "$dir/received.log", 'the backend got nothing');

$t->write_conf(conf('ca'));
$t->reload;

ok(wait_for(sub { -f "$dir/spool/done/$id" }, 10),
   'with the right CA, delivered') or diag($t->error_log);
my @got = received($t);
is(scalar @got, 1, 'once');
is($got[0]{id}, $id, 'with its webhook-id');

# an https backend named by its address: no SNI, the IP name checked
my $ipid = post_report($t, '/ip', 'by address', 'tls.example');
ok(wait_for(sub { -f "$dir/ipspool/done/$ipid" }, 10),
   'an https backend given as an address is verified and delivered')
    or diag($t->error_log);

$t->log_ok(qr/not trusted/);
$t->stop;

done_testing;
