#!/usr/bin/perl

# Copyright (C) nginx-security-contact developers
#
# Interoperability of the pure OpenPGP core (ngx_module/sc_pgp.c) through
# build/tools/sc-pgp-sign: keys made and exported by GnuPG are loaded, the
# cleartext signatures made with them are verified by gpg, Sequoia's sqv
# and RNP, a tampered text is rejected by all three, and unusable keys are
# refused with a message that says what to do.
#
# gpg, sqv and rnp are required (Debian: gnupg sqv rnp); a missing one is
# a failure, not a skip.

use strict;
use warnings;

use File::Temp qw(tempdir);
use FindBin;
use MIME::Base64 qw(decode_base64 encode_base64);
use Test::More;

my $tool = "$FindBin::Bin/../build/tools/sc-pgp-sign";
my $tmp = tempdir('sc-pgp-XXXXXX', TMPDIR => 1, CLEANUP => 1);
my $gnupghome = "$tmp/gnupg";
my $n = 0;

$ENV{LC_ALL} = 'C';
$ENV{TZ} = 'UTC';
delete $ENV{GPG_AGENT_INFO};

###############################################################################

sub slurp {
    my ($file) = @_;
    open my $fh, '<:raw', $file or return '';
    local $/;
    my $s = <$fh>;
    close $fh;
    return defined $s ? $s : '';
}

sub spew {
    my ($file, $data) = @_;
    open my $fh, '>:raw', $file or die "$file: $!";
    print $fh $data;
    close $fh or die "$file: $!";
}

# runs a command (a list, no shell); returns exit code, stdout, stderr

sub run {
    my ($cmd, $stdin) = @_;

    $n++;
    my ($in, $out, $err) = ("$tmp/in.$n", "$tmp/out.$n", "$tmp/err.$n");
    spew($in, defined $stdin ? $stdin : '');

    my $pid = fork;
    die "fork: $!" unless defined $pid;

    if ($pid == 0) {
        open STDIN, '<', $in or die;
        open STDOUT, '>', $out or die;
        open STDERR, '>', $err or die;
        exec @$cmd or exit 127;
    }

    waitpid $pid, 0;

    return ($? >> 8, slurp($out), slurp($err));
}

sub which {
    my ($name) = @_;
    for my $dir (split /:/, $ENV{PATH} || '') {
        return "$dir/$name" if -x "$dir/$name";
    }
    return undef;
}

sub gpg {
    my ($home, @args) = @_;
    return run(['gpg', '--homedir', $home, '--batch', '--no-tty',
        '--pinentry-mode', 'loopback', @args]);
}

sub fpr_of {
    my ($uid) = @_;
    my ($rc, $out) = gpg($gnupghome, '--with-colons', '--list-keys', $uid);
    return $out =~ /^fpr:+([0-9A-F]{40}):/m ? $1 : undef;
}

# the detached form of a cleartext signature, for sqv: the signed data
# (dash-escapes removed, trailing white space stripped, CRLF between lines,
# no final line ending) and the armored signature

sub split_cleartext {
    my ($signed) = @_;

    my ($body, $sig) = $signed =~ /\A-----BEGIN[ ]PGP[ ]SIGNED[ ]MESSAGE-----\n
        (?:[^\n]+\n)*\n
        (.*?\n)
        (-----BEGIN[ ]PGP[ ]SIGNATURE-----\n.*)\z/sx
        or return;

    my @lines = split /\n/, $body, -1;
    pop @lines;
    s/^- // for @lines;
    s/[ \t\r]+\z// for @lines;

    return (join("\r\n", @lines), $sig);
}

###############################################################################

my %tools = map { $_ => which($_) } qw(gpg gpgconf sqv rnp);

for my $t (sort keys %tools) {
    ok($tools{$t}, "$t is installed") or diag("$t is missing: it is a "
        . "required test dependency (Debian: apt-get install gnupg sqv rnp)");
}

ok(-x $tool, 'build/tools/sc-pgp-sign is built')
    or diag("build it first: $tool (see the Makefile)");

if (grep { !defined } values %tools or !-x $tool) {
    done_testing();
    exit 1;
}

mkdir $gnupghome, 0700 or die "$gnupghome: $!";

END {
    local $?;
    run(['gpgconf', '--homedir', $gnupghome, '--kill', 'all'])
        if defined $gnupghome && -d $gnupghome;
    run(['gpgconf', '--homedir', "$tmp/verify", '--kill', 'all'])
        if defined $tmp && -d "$tmp/verify";
}

# the keys

my @np = ('--passphrase', '');

my ($rc) = gpg($gnupghome, @np, '--quick-gen-key', 'Sign <s@example.org>',
    'ed25519', 'sign', 'never');
is($rc, 0, 'gpg: ed25519 signing key');

# "future-default" is the GnuPG 2.2 name for the 2.3+ default, an ed25519
# primary with a cv25519 subkey; the plain 2.2 default is RSA

($rc) = gpg($gnupghome, @np, '--quick-gen-key', 'Default <d@example.org>',
    'future-default', 'default', 'never');
is($rc, 0, 'gpg: ed25519 primary + cv25519 subkey');

($rc) = gpg($gnupghome, @np, '--quick-gen-key', 'Cert <c@example.org>',
    'ed25519', 'cert', 'never');
is($rc, 0, 'gpg: ed25519 certification-only primary');

my $cert_fpr = fpr_of('c@example.org');
($rc) = gpg($gnupghome, @np, '--quick-add-key', $cert_fpr, 'ed25519',
    'sign', '1y');
is($rc, 0, 'gpg: ed25519 signing subkey added');

my ($rc2, $colons) = gpg($gnupghome, '--with-colons', '--list-keys',
    'c@example.org');
my ($sub_fpr) = $colons =~ /^sub:.*\n^fpr:+([0-9A-F]{40}):/m;
ok($sub_fpr, 'signing subkey fingerprint');

($rc) = gpg($gnupghome, @np, '--quick-gen-key', 'Rsa <r@example.org>',
    'rsa2048', 'sign', 'never');
is($rc, 0, 'gpg: RSA key');

($rc) = gpg($gnupghome, '--passphrase', 'secret', '--quick-gen-key',
    'Prot <p@example.org>', 'ed25519', 'sign', 'never');
is($rc, 0, 'gpg: passphrase-protected key');

($rc) = gpg($gnupghome, @np, '--faked-system-time', '20200101T000000',
    '--quick-gen-key', 'Exp <e@example.org>', 'ed25519', 'sign', '1d');
is($rc, 0, 'gpg: key that expired in 2020');

# exports

sub export {
    my ($file, @args) = @_;
    my ($rc, $out, $err) = gpg($gnupghome, @args);
    spew("$tmp/$file", $out);
    ok($rc == 0 && length $out, "export $file") or diag($err);
}

for my $k (['sign', 's'], ['default', 'd'], ['cert', 'c']) {
    export("$k->[0].bin", '--export-secret-keys', "$k->[1]\@example.org");
    export("$k->[0].asc", '--export-secret-keys', '--armor',
        "$k->[1]\@example.org");
}

export('stub.bin', '--export-secret-subkeys', 'c@example.org');
export('rsa.asc', '--export-secret-keys', '--armor', 'r@example.org');
export('protected.asc', '--passphrase', 'secret', '--export-secret-keys',
    '--armor', 'p@example.org');
export('expired.asc', '--export-secret-keys', '--armor', 'e@example.org');
export('public.bin', '--export', 's@example.org');
export('public.asc', '--export', '--armor', 's@example.org');

spew("$tmp/truncated.asc", substr(slurp("$tmp/sign.asc"), 0, 200));
spew("$tmp/truncated.bin", substr(slurp("$tmp/sign.bin"), 0, 60));

###############################################################################

# dash-escaped lines, trailing spaces and tabs, a blank line of one space,
# UTF-8; written with escapes so that no editor strips the white space

my $text = "Contact: mailto:security\@example.org\n"
    . "Expires: 2030-01-01T00:00:00.000Z\n"
    . "-----BEGIN PGP SIGNATURE-----\n"
    . "- a line that starts with a dash\n"
    . "From the beginning of a line   \n"
    . "trailing tab\t\n"
    . " \n"
    . "Preferred-Languages: en, ja, de\n"
    . "# Kontakt f\xc3\xbcr Sicherheitsmeldungen: \xe7\xaa\x93\xe5\x8f\xa3\n";

my $created = time();
my $vhome = "$tmp/verify";
my $rnphome = "$tmp/rnp";
mkdir $vhome, 0700 or die;
mkdir $rnphome, 0700 or die;

sub verify_all {
    my ($name, $signed, $cert_asc, $want_ok) = @_;

    my $what = $want_ok ? 'accepts' : 'rejects';

    spew("$tmp/signed.txt", $signed);
    spew("$tmp/certificate.asc", $cert_asc);

    # gpg, in a home that holds only the certificate made by the tool

    my ($rc, $out, $err) = run(['gpg', '--homedir', $vhome, '--batch',
        '--no-tty', '--status-fd', '1', '--verify', "$tmp/signed.txt"]);
    ok($want_ok ? $rc == 0 && $out =~ /^\[GNUPG:\] GOODSIG /m
                : $rc != 0 && $out =~ /^\[GNUPG:\] BADSIG /m,
        "$name: gpg $what") or diag($out . $err);

    my $validsig = $out;

    # sqv: a detached signature over the canonical text

    my ($data, $sig) = split_cleartext($signed);
    ok(defined $data, "$name: cleartext splits into data and signature");
    spew("$tmp/data", defined $data ? $data : '');
    spew("$tmp/sig.asc", defined $sig ? $sig : '');

    ($rc, $out, $err) = run(['sqv', '--keyring', "$tmp/certificate.asc",
        "$tmp/sig.asc", "$tmp/data"]);
    ok($want_ok ? $rc == 0 : $rc != 0, "$name: sqv $what")
        or diag($out . $err);

    # rnp, with the certificate as its only key

    ($rc, $out, $err) = run(['rnp', '--homedir', $rnphome, '--keyfile',
        "$tmp/certificate.asc", '--verify', "$tmp/signed.txt"]);
    ok($want_ok ? $rc == 0 && $err =~ /Good signature/
                : $rc != 0 && $err !~ /Good signature/,
        "$name: rnp $what") or diag($out . $err);

    return $validsig;
}

my %signed;

for my $k (qw(sign default cert stub)) {
    my ($rc, $cert, $err) = run([$tool, '--cert', "$tmp/$k.bin"]);
    is($rc, 0, "$k: certificate") or diag($err);
    like($cert, qr/\A-----BEGIN PGP PUBLIC KEY BLOCK-----\n\n/,
        "$k: certificate is armored");

    spew("$tmp/certificate.asc", $cert);
    ($rc, undef, $err) = gpg($vhome, '--import', "$tmp/certificate.asc");
    is($rc, 0, "$k: gpg imports the certificate") or diag($err);

    ($rc, my $signed, $err) = run([$tool, "$tmp/$k.bin", $created], $text);
    is($rc, 0, "$k: signs (binary key)") or diag($err);
    is($err, '', "$k: nothing on stderr");
    $signed{$k} = $signed;

    if (-e "$tmp/$k.asc") {
        my ($rc2, $signed2, $err2) = run([$tool, "$tmp/$k.asc", $created],
            $text);
        is($rc2, 0, "$k: signs (armored key)") or diag($err2);
        is($signed2, $signed, "$k: same output from binary and armored");
    }

    like($signed, qr/\A-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA512\n\n/,
        "$k: cleartext header");
    like($signed, qr/^- -----BEGIN PGP SIGNATURE-----\n- - a line/m,
        "$k: dash-escaped lines");
    like($signed, qr/\n-----END PGP SIGNATURE-----\n\z/, "$k: ends");

    my $status = verify_all($k, $signed, $cert, 1);

    if ($k eq 'cert' || $k eq 'stub') {
        like($status, qr/^\[GNUPG:\] VALIDSIG $sub_fpr .* $cert_fpr$/m,
            "$k: signed by the subkey, primary key named");
    }

    # one byte changed in the text

    (my $tampered = $signed) =~ s/security\@example/sekurity\@example/;
    verify_all("$k tampered", $tampered, $cert, 0);

    # one byte changed in the signature (in the MPI of S), CRC-24 redone

    my ($head, $b64, $tail) = $signed =~
        /\A(.*-----BEGIN PGP SIGNATURE-----\n\n)(.*?\n)=[^\n]*\n(.*)\z/s;
    my $bin = decode_base64($b64);
    substr($bin, -5, 1) ^= "\x01";
    my $bad = $head . armor_body($bin) . $tail;
    isnt($bad, $signed, "$k: signature changed");
    verify_all("$k bad signature", $bad, $cert, 0);
}

{
    my ($rc, $again) = run([$tool, "$tmp/sign.bin", $created], $text);
    is($again, $signed{sign}, 'deterministic: the same bytes again');
}

# the certificate equals what gpg --export gives for a plain key

{
    my ($rc, $cert) = run([$tool, '--cert', "$tmp/sign.asc"]);
    my ($rc2, $gpg_cert) = gpg($gnupghome, '--export', '--armor',
        's@example.org');
    my ($b1) = $cert =~ /\n\n(.*)\n=/s;
    my ($b2) = $gpg_cert =~ /\n\n(.*)\n=/s;
    ok(defined $b1 && defined $b2
        && decode_base64($b1) eq decode_base64($b2),
        'certificate is byte for byte what gpg --export writes');
}

###############################################################################

# refusals: exit code 1, a one-line message that says what to do

sub refused {
    my ($file, $re, $name) = @_;
    my ($rc, $out, $err) = run([$tool, "$tmp/$file", $created], $text);
    is($rc, 1, "$name: refused");
    is($out, '', "$name: nothing on stdout");
    like($err, qr/$re/, "$name: message") or diag($err);
    like($err, qr/\A[^\n]+\n\z/, "$name: one line");
}

my $rsa_fpr = fpr_of('r@example.org');
my $prot_fpr = fpr_of('p@example.org');
my $exp_fpr = fpr_of('e@example.org');
my $sign_fpr = fpr_of('s@example.org');

refused('rsa.asc', quotemeta('no Ed25519 signing key (primary key is RSA);'
    . qq{ add one with "gpg --quick-add-key $rsa_fpr ed25519 sign" and}
    . qq{ export it again with "gpg --export-secret-keys --armor $rsa_fpr"}),
    'RSA key');
refused('protected.asc', 'protected by a passphrase; export an unprotected'
    . qq{ copy: .*--passwd $prot_fpr.*--export-secret-keys --armor}
    . qq{ $prot_fpr}, 'passphrase-protected key');
refused('public.bin', 'public key only.*'
    . qq{"gpg --export-secret-keys --armor $sign_fpr"}, 'public key (binary)');
refused('public.asc', 'public key only.*--export-secret-keys',
    'public key (armored)');
refused('truncated.asc', 'truncated.*export it again',
    'truncated armored key');
refused('truncated.bin', 'truncated.*export it again',
    'truncated binary key');
refused('expired.asc', qq{key $exp_fpr expired on 2020-01-02; extend it}
    . qq{ with "gpg --quick-set-expire $exp_fpr 1y"}, 'expired key');

spew("$tmp/garbage.txt", "not a key\n");
refused('garbage.txt', 'not an OpenPGP key', 'not a key');

done_testing();

###############################################################################

# base64 in lines of 64 characters and the CRC-24 line, as in armor

sub armor_body {
    my ($bin) = @_;

    my $crc = 0xb704ce;

    for my $c (unpack 'C*', $bin) {
        $crc ^= $c << 16;
        for (1 .. 8) {
            $crc <<= 1;
            $crc ^= 0x1864cfb if $crc & 0x1000000;
        }
    }

    my $b64 = encode_base64($bin, '');
    $b64 =~ s/(.{64})/$1\n/g;
    $b64 .= "\n" unless $b64 =~ /\n\z/;

    return $b64 . '=' . encode_base64(pack('N', $crc & 0xffffff) =~ s/^.//sr,
        '') . "\n";
}
