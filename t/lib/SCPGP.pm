package SCPGP;

# OpenPGP helpers for the tests: keys made by the real GnuPG, signatures
# checked by the real gpg, Sequoia's sqv and RNP.  Core Perl only.

use strict;
use warnings;

use File::Temp qw(tempdir);

sub run {
    my (@cmd) = @_;
    my $out = '';
    my $pid = open(my $fh, '-|') // die "fork: $!";
    if ($pid == 0) {
        open STDERR, '>&', \*STDOUT;
        exec @cmd or die "exec $cmd[0]: $!";
    }
    local $/;
    $out = <$fh> // '';
    close $fh;
    return ($? >> 8, $out);
}

sub slurp {
    my ($path) = @_;
    open my $fh, '<:raw', $path or die "$path: $!";
    local $/;
    return scalar <$fh>;
}

sub spit {
    my ($path, $data) = @_;
    open my $fh, '>:raw', $path or die "$path: $!";
    print $fh $data;
    close $fh;
    return $path;
}

# A private GnuPG home.
sub new {
    my ($class) = @_;
    my $home = tempdir('sc-gpg-XXXXXX', TMPDIR => 1, CLEANUP => 1);
    chmod 0700, $home;
    return bless { home => $home }, $class;
}

sub gpg {
    my ($self, @args) = @_;
    local $ENV{GNUPGHOME} = $self->{home};
    return run('gpg', '--batch', '--no-tty', '--pinentry-mode', 'loopback',
               @args);
}

# Makes a key; returns its fingerprint.  $algo/$usage/$expire as
# "gpg --quick-gen-key UID ALGO USAGE EXPIRE"; passphrase optional.
sub gen_key {
    my ($self, $uid, %o) = @_;
    my @args = ('--passphrase', $o{passphrase} // '');
    push @args, '--faked-system-time', $o{faked_time} . '!'
        if $o{faked_time};
    push @args, '--quick-gen-key', $uid;
    push @args, $o{algo} // 'default', $o{usage} // 'default',
                $o{expire} // 'never' if $o{algo} || $o{usage} || $o{expire};
    my ($rc, $out) = $self->gpg(@args);
    die "gpg --quick-gen-key failed: $out" if $rc;
    return $self->fpr($uid);
}

sub fpr {
    my ($self, $uid) = @_;
    my ($rc, $out) = $self->gpg('--with-colons', '--list-keys', $uid);
    my ($fpr) = $out =~ /^fpr:::::::::([0-9A-F]{40}):/m;
    die "no key for $uid: $out" unless $fpr;
    return $fpr;
}

sub add_subkey {
    my ($self, $fpr, $algo, $usage, %o) = @_;
    my ($rc, $out) = $self->gpg('--passphrase', $o{passphrase} // '',
                                '--quick-add-key', $fpr, $algo, $usage,
                                $o{expire} // 'never');
    die "gpg --quick-add-key failed: $out" if $rc;
}

sub export_secret {
    my ($self, $fpr, %o) = @_;
    local $ENV{GNUPGHOME} = $self->{home};
    my @cmd = ('gpg', '--batch', '--pinentry-mode', 'loopback',
               '--passphrase', $o{passphrase} // '',
               ($o{armor} ? '--armor' : ()), '--export-secret-keys', $fpr);
    open my $fh, '-|', @cmd or die;
    binmode $fh;
    local $/;
    my $data = <$fh>;
    close $fh;
    die "export of $fpr failed" unless length($data // '');
    return $data;
}

sub export_public {
    my ($self, $fpr, %o) = @_;
    local $ENV{GNUPGHOME} = $self->{home};
    open my $fh, '-|', 'gpg', '--batch', ($o{armor} ? '--armor' : ()),
        '--export', $fpr or die;
    binmode $fh;
    local $/;
    my $data = <$fh>;
    close $fh;
    return $data;
}

# Splits a cleartext-signed text into the signed data (RFC 4880 section
# 7.1: dash-escapes removed, trailing whitespace dropped, CRLF line ends,
# no final line end) and the armored signature.
sub split_cleartext {
    my ($text) = @_;
    my ($body, $sig) = $text =~ m{
        \A-----BEGIN\ PGP\ SIGNED\ MESSAGE-----\r?\n
        (?:Hash:\ [^\n]*\n)+ \r?\n
        (.*?)\r?\n
        (-----BEGIN\ PGP\ SIGNATURE-----.*)\z
    }sx or return;
    my @lines = split /\r?\n/, $body, -1;
    s/^- // for @lines;
    s/[ \t\r]+$// for @lines;
    return (join("\r\n", @lines), $sig);
}

# Each verifier gets the certificate as served (armored) and the signed
# text; returns (1 if it accepted, its output).

sub verify_gpg {
    my ($cert, $signed) = @_;
    my $v = SCPGP->new;
    my $dir = $v->{home};
    spit("$dir/cert.asc", $cert);
    spit("$dir/signed.txt", $signed);
    my ($rc, $out) = $v->gpg('--import', "$dir/cert.asc");
    return (0, "import: $out") if $rc;
    ($rc, $out) = $v->gpg('--verify', "$dir/signed.txt");
    return ($rc == 0 && $out =~ /Good signature/ ? 1 : 0, $out);
}

sub verify_sqv {
    my ($cert, $signed) = @_;
    my $dir = tempdir('sc-sqv-XXXXXX', TMPDIR => 1, CLEANUP => 1);
    my ($data, $sig) = split_cleartext($signed);
    return (0, 'not a cleartext signature') unless defined $sig;
    spit("$dir/cert.asc", $cert);
    spit("$dir/data", $data);
    spit("$dir/sig.asc", $sig);
    my ($rc, $out) = run('sqv', '--keyring', "$dir/cert.asc",
                         "$dir/sig.asc", "$dir/data");
    return ($rc == 0 ? 1 : 0, $out);
}

sub verify_rnp {
    my ($cert, $signed) = @_;
    my $dir = tempdir('sc-rnp-XXXXXX', TMPDIR => 1, CLEANUP => 1);
    spit("$dir/cert.asc", $cert);
    spit("$dir/signed.txt", $signed);
    mkdir "$dir/home", 0700;
    my ($rc, $out) = run('rnpkeys', '--homedir', "$dir/home", '--import',
                         "$dir/cert.asc");
    return (0, "import: $out") if $rc;
    ($rc, $out) = run('rnp', '--homedir', "$dir/home", '--verify',
                      "$dir/signed.txt");
    return ($rc == 0 && $out =~ /verified successfully/ ? 1 : 0, $out);
}

1;
