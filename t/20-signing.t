#!/usr/bin/perl

# security.txt signed with Ed25519 OpenPGP keys made by GnuPG, served by a
# real nginx, verified by gpg, sqv and RNP against the certificate the
# module serves; renewal re-signs; bad keys are refused at nginx -t.

use strict;
use warnings;

use FindBin;
use lib "$FindBin::Bin/lib";

use Test::More;
use Time::HiRes qw(sleep time);
use SCTest;
use SCPGP;
use RFC9116;

my $g = SCPGP->new;

# three key shapes GnuPG makes
my %fpr;
$fpr{sign} = $g->gen_key('Signing Only <sign@example.org>',
                         algo => 'ed25519', usage => 'sign');
# GnuPG 2.4's plain "--quick-gen-key UID" (ed25519 primary for signing and
# certifying, cv25519 encryption subkey); 2.2 calls it "future-default"
$fpr{default} = $g->gen_key('Default <default@example.org>',
                            algo => 'future-default');
$fpr{subkey} = $g->gen_key('Cert Only <cert@example.org>',
                           algo => 'ed25519', usage => 'cert');
$g->add_subkey($fpr{subkey}, 'ed25519', 'sign');
$fpr{expiring} = $g->gen_key('Expiring <exp@example.org>',
                             algo => 'ed25519', usage => 'sign',
                             expire => '10d');

my $t = SCTest->new(workers => 2);

my $servers = '';
my $n = 0;
for my $shape (qw(sign default subkey expiring)) {
    for my $armor (0, 1) {
        my $file = "key-$shape-" . ($armor ? 'asc' : 'bin');
        $t->write_file($file, $g->export_secret($fpr{$shape}, armor => $armor),
                       0600);
        $servers .= <<"EOF";
    server {
        listen 127.0.0.1:%%PORT_0%%;
        server_name $shape-$armor.example;
        security_txt_signing_key %%DIR%%/$file;
    }
EOF
    }
}

$t->write_file('key-tenants', $g->export_secret($fpr{sign}), 0600);

$t->run(<<"EOF");
    add_header X-Worker \$pid;

    security_txt on;
    security_txt_https_only off;
    security_txt_contact mailto:security\@example.org;
    security_txt_comment "trailing spaces   ";
    # RFC 9116's field-name may start with "-": such a line is dash-escaped
    security_txt_field -----BEGIN "PGP SIGNATURE----- (a dash-escaped line)";
    security_txt_expires 30d renew=1d;
    security_txt_key_uri /.well-known/security-key.asc;

$servers

    map \$host \$tenant_contact {
        a.tenant.example mailto:security\@a.tenant.example;
        b.tenant.example https://b.tenant.example/report;
        default          mailto:abuse\@hosting.example;
    }

    server {
        listen 127.0.0.1:%%PORT_0%%;
        server_name *.tenant.example;
        security_txt_contact \$tenant_contact;
        security_txt_signing_key %%DIR%%/key-tenants;
    }

    server {
        listen 127.0.0.1:%%PORT_0%% reuseport;
        server_name renew.example;
        security_txt_expires 1h renew=2s;
        security_txt_signing_key %%DIR%%/key-tenants;
    }

    server {
        listen 127.0.0.1:%%PORT_0%%;
        server_name unsigned.example;
        security_txt_signing_key off;
    }

    server {
        listen 127.0.0.1:%%PORT_0%%;
        server_name strict.example;
        security_txt_https_only on;
        security_txt_signing_key %%DIR%%/key-tenants;
    }
EOF

sub get {
    my ($host, $path) = @_;
    return $t->http($path // '/.well-known/security.txt', host => $host);
}

sub verify_all {
    my ($name, $cert, $signed, $want) = @_;
    for my $v (qw(gpg sqv rnp)) {
        no strict 'refs';
        my ($ok, $out) = &{"SCPGP::verify_$v"}($cert, $signed);
        if ($want) {
            ok($ok, "$name: $v accepts the signature") or diag($out);
        } else {
            ok(!$ok, "$name: $v rejects it") or diag($out);
        }
    }
}

my $now = time;

for my $shape (qw(sign default subkey expiring)) {
    for my $armor (0, 1) {
        my $host = "$shape-$armor.example";
        my $r = get($host);
        is($r->{status}, 200, "$host: 200");
        like($r->{body}, qr/\A-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA512\n\n/,
             "$host: a cleartext-signed file");
        my $chk = RFC9116::is_valid($r->{body}, now => $now, host => $host,
                                    signed_ok => 1,
                                    name => "$host: valid signed file");
        ok($chk->{signed}, "$host: the checker sees it signed");
        like($r->{body}, qr/^- -----BEGIN: PGP SIGNATURE----- \(a dash/m,
             "$host: a line starting with a dash is dash-escaped");

        my $c = get($host, '/.well-known/security-key.asc');
        is($c->{status}, 200, "$host: the key URI answers");
        is($c->{headers}{'content-type'}, 'application/pgp-keys',
           "$host: application/pgp-keys");
        like($c->{body}, qr/\A-----BEGIN PGP PUBLIC KEY BLOCK-----\n/,
             "$host: an armored public key block");

        verify_all($host, $c->{body}, $r->{body}, 1);

        (my $tampered = $r->{body}) =~ s/security\@example/security\@exbmple/;
        verify_all("$host tampered", $c->{body}, $tampered, 0);

        if ($shape eq 'expiring') {
            my ($exp) = $r->{body} =~ /^Expires: (.*)$/m;
            my $e = RFC9116::parse_date_time($exp);
            ok($e <= $now + 10 * 86400 - 86400 + 60,
               "$host: Expires capped by the key's expiry less one interval")
                or diag($exp);
            ok($e > $now + 8 * 86400, "$host: but not earlier") or diag($exp);
        }
    }
}

# the certificate holds no secret key material
{
    my $c = get('subkey-1.example', '/.well-known/security-key.asc');
    my $v = SCPGP->new;
    SCPGP::spit("$v->{home}/cert.asc", $c->{body});
    my ($rc, $out) = $v->gpg('--list-packets', "$v->{home}/cert.asc");
    is($rc, 0, 'gpg reads the served certificate');
    like($out, qr/:public key packet:/, 'it has the public key');
    like($out, qr/:public sub key packet:/, 'and the signing subkey');
    like($out, qr/:user ID packet:/, 'and the user ID');
    like($out, qr/:signature packet:/, 'and the self-signatures');
    unlike($out, qr/secret/i, 'and no secret key packet');

    my $h = $t->http('/.well-known/security-key.asc', host => 'sign-1.example',
                     method => 'HEAD');
    is($h->{status}, 200, 'HEAD of the key URI');
    like($h->{headers}{etag}, qr/^"[0-9a-f]{32}"$/, 'with a strong ETag');
    my $nm = $t->http('/.well-known/security-key.asc', host => 'sign-1.example',
                      headers => ['If-None-Match' => $h->{headers}{etag}]);
    is($nm->{status}, 304, 'conditional GET of the key: 304');

    is(get('unsigned.example', '/.well-known/security-key.asc')->{status},
       404, 'an unsigned server does not serve a key URI');

    is(get('strict.example', '/.well-known/security-key.asc')->{status},
       301, 'with https_only on, the key URI over http redirects too');
    is(get('strict.example', '/.well-known/security-key.asc')
           ->{headers}{location},
       'https://strict.example/.well-known/security-key.asc',
       'to its https URL');
}

# per-tenant files with variables, each signed
for my $host (qw(a.tenant.example b.tenant.example c.tenant.example)) {
    my $r = get($host);
    my $c = get($host, '/.well-known/security-key.asc');
    my $chk = RFC9116::is_valid($r->{body}, now => $now, host => $host,
                                signed_ok => 1, name => "$host: valid");
    verify_all($host, $c->{body}, $r->{body}, 1);
}
like(get('a.tenant.example')->{body}, qr/^Contact: mailto:security\@a\.tenant\.example$/m,
     'tenant a: its own Contact, signed');
like(get('b.tenant.example')->{body}, qr/^Contact: https:\/\/b\.tenant\.example\/report$/m,
     'tenant b: its own Contact, signed');

# the two workers serve identical bytes within one interval; renewal
# re-signs with a new creation time
{
    sleep(2 - (time - int(time / 2) * 2) + 0.05);
    my $start = time;
    my (%bodies, %workers);
    for (1 .. 30) {
        my $r = get('renew.example');
        $bodies{$r->{body}}++;
        $workers{$r->{headers}{'x-worker'}}++;
    }
    SKIP: {
        skip 'samples crossed a boundary', 2 if time - $start >= 1.8;
        is(scalar keys %workers, 2, 'both workers answered');
        is(scalar keys %bodies, 1, 'both served the same signed bytes');
    }

    my $first = get('renew.example');
    sleep(2 - (time - int(time / 2) * 2) + 0.1);
    my $second = get('renew.example');
    my $cert = get('renew.example', '/.well-known/security-key.asc')->{body};

    isnt($second->{body}, $first->{body}, 'after the boundary a new file');
    my ($e1) = $first->{body} =~ /^Expires: (.*)$/m;
    my ($e2) = $second->{body} =~ /^Expires: (.*)$/m;
    ok(RFC9116::parse_date_time($e2) > RFC9116::parse_date_time($e1),
       'with a later Expires');
    verify_all('renewed file', $cert, $second->{body}, 1);

    my ($data1, $sig1) = SCPGP::split_cleartext($first->{body});
    my ($data2, $sig2) = SCPGP::split_cleartext($second->{body});
    isnt($sig1, $sig2, 'and a new signature');

    my $v = SCPGP->new;
    SCPGP::spit("$v->{home}/s.asc", $sig2);
    my ($rc, $out) = $v->gpg('--list-packets', "$v->{home}/s.asc");
    my ($created) = $out =~ /version 4, created (\d+)/;
    ok(defined $created && $created % 2 == 0 && abs($created - time) < 4,
       'the signature is made at the renewal boundary') or diag($out);
}

$t->stop;

# --- refusals at nginx -t

my @bad;

{
    my $k = SCPGP->new;
    my $fpr = $k->gen_key('RSA <rsa@example.org>', algo => 'rsa2048',
                          usage => 'sign');
    push @bad, [ 'an RSA key', $k->export_secret($fpr, armor => 1), 0600,
                 qr/no Ed25519 signing key.*gpg --quick-add-key \Q$fpr\E ed25519 sign/i ];
}
{
    my $k = SCPGP->new;
    my $fpr = $k->gen_key('Protected <p@example.org>', algo => 'ed25519',
                          usage => 'sign', passphrase => 'secret');
    push @bad, [ 'a passphrase-protected key',
                 $k->export_secret($fpr, armor => 1, passphrase => 'secret'),
                 0600, qr/passphrase.*gpg/i ];
}
{
    push @bad, [ 'a public key only', $g->export_public($fpr{sign}, armor => 1),
                 0600, qr/public key.*--export-secret-keys/i ];
}
{
    my $full = $g->export_secret($fpr{sign});
    push @bad, [ 'a truncated key file', substr($full, 0, int(length($full) / 2)),
                 0600, qr/truncated|corrupt/i ];
}
{
    my $armored = $g->export_secret($fpr{sign}, armor => 1);
    $armored =~ s/(\n[A-Za-z0-9+\/]{10})[A-Za-z0-9+\/]/$1!/;
    push @bad, [ 'a corrupt armored file', $armored, 0600,
                 qr/corrupt|CRC|base64|truncated/i ];
}
{
    push @bad, [ 'a key file with mode 0644',
                 $g->export_secret($fpr{sign}, armor => 1), 0644,
                 qr/readable or writable by group or others \(mode 0644\).*chmod 600/ ];
}
{
    my $k = SCPGP->new;
    my $fpr = $k->gen_key('Expired <e@example.org>', algo => 'ed25519',
                          usage => 'sign', expire => '1d',
                          faked_time => '20200101T000000');
    push @bad, [ 'an expired key', $k->export_secret($fpr, armor => 1), 0600,
                 qr/expired.*gpg --quick-set-expire|expired/i ];
}
{
    push @bad, [ 'not a key at all', "hello\n", 0600,
                 qr/not an OpenPGP|no OpenPGP|not .*key/i ];
}

for my $case (@bad) {
    my ($name, $data, $mode, $re) = @$case;
    my $t = SCTest->new;
    $t->write_file('key', $data, $mode);
    $t->write_conf(<<'EOF');
    server {
        listen 127.0.0.1:%%PORT_0%%;
        security_txt on;
        security_txt_contact mailto:security@example.org;
        security_txt_signing_key %%DIR%%/key;
    }
EOF
    my ($rc, $out) = $t->test_conf;
    isnt($rc, 0, "$name: nginx -t fails");
    like($out, qr/\[emerg\].*"security_txt_signing_key" key file "[^"]+\/key"/,
         "$name: the message names the directive and the file") or diag($out);
    like($out, $re, "$name: and says what is wrong and what to do")
        or diag($out);
}

# missing file, key_uri without a key, no Canonical with signing
{
    my $t = SCTest->new;
    $t->write_conf(<<'EOF');
    server {
        listen 127.0.0.1:%%PORT_0%%;
        security_txt on;
        security_txt_contact mailto:security@example.org;
        security_txt_signing_key %%DIR%%/missing.asc;
    }
EOF
    my ($rc, $out) = $t->test_conf;
    like($out, qr/\[emerg\].*"security_txt_signing_key" cannot open key file ".*missing\.asc".*No such file/,
         'a missing key file is named');

    $t->write_conf(<<'EOF');
    server {
        listen 127.0.0.1:%%PORT_0%%;
        server_name nokey.example;
        security_txt on;
        security_txt_contact mailto:security@example.org;
        security_txt_key_uri /key.asc;
    }
EOF
    ($rc, $out) = $t->test_conf;
    like($out, qr/\[emerg\].*"security_txt_key_uri \/key\.asc" applies to server "nokey\.example", which has no "security_txt_signing_key"/,
         'a key URI without a key is refused');

    $t->write_file('key.asc', $g->export_secret($fpr{sign}, armor => 1), 0600);
    $t->write_conf(<<'EOF');
    server {
        listen 127.0.0.1:%%PORT_0%%;
        server_name nocanon.example;
        security_txt on;
        security_txt_contact mailto:security@example.org;
        security_txt_canonical off;
        security_txt_signing_key %%DIR%%/key.asc;
    }
EOF
    ($rc, $out) = $t->test_conf;
    is($rc, 0, 'signing without Canonical is allowed');
    like($out, qr/\[warn\].*security\.txt of server "nocanon\.example" is signed .* but has no Canonical field: RFC 9116 section 2\.3 recommends one/,
         'but nginx -t warns about it');

    $t->write_conf(<<'EOF');
    server {
        listen 127.0.0.1:%%PORT_0%%;
        security_txt on;
        security_txt_contact mailto:security@example.org;
        security_txt_signing_key %%DIR%%/key.asc;
        security_txt_key_uri key.asc;
    }
EOF
    ($rc, $out) = $t->test_conf;
    like($out, qr/\[emerg\].*"security_txt_key_uri" value "key\.asc" is invalid: it must be a path on this server/,
         'a key URI that is not a path is refused');
}

done_testing;
