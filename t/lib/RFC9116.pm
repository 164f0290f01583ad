package RFC9116;

# RFC 9116 (security.txt) checker for the test suite. Core modules only.
#
# Written from RFC 9116 (section 4 ABNF and field definitions), RFC 3339
# section 5.6 (date-time), RFC 5646 section 2.1 (Language-Tag), RFC 3986
# section 3 / appendix A (URI) and RFC 4880 section 7 (cleartext signature
# framework) and section 6 (ASCII armor).
#
#   my $r = RFC9116::check($bytes, now => time(), host => 'example.org',
#                          signed_ok => 1);
#   RFC9116::is_valid($bytes, %opts, name => 'test name');  # Test::More ok()
#
# Error codes follow the names used by the DigitalTrustCenter "sectxt"
# validator where one exists.  Codes that are ours: too_large,
# invalid_field_name, signed_not_allowed.
#
# Not implemented: too_many_line_separators.  The RFC 9116 ABNF allows any
# number of blank lines (line = [field / comment] eol), and RFC 4880 demands
# exactly one empty line after the Hash headers (any further empty line is
# part of the signed text, i.e. a blank security.txt line), so there is no
# well-defined condition to report under that name.

use v5.36;
use Encode ();
use MIME::Base64 ();

our $VERSION = '1.00';

use constant {
    MAX_BYTES => 32 * 1024,     # §5.4: readers MAY refuse files over 32 KB
    MAX_LINES => 1000,          # §5.4
    MAX_LINE  => 2048,          # §5.4: fields over 2,048 characters
};

my %URI_FIELD = map { $_ => 1 }
    qw(contact encryption acknowledgments canonical policy hiring csaf);

# ---------------------------------------------------------------- URIs --
# RFC 3986 appendix A, transcribed.

my $UNRESERVED = qr/[A-Za-z0-9\-._~]/;
my $PCT        = qr/%[0-9A-Fa-f]{2}/;
my $SUBDELIMS  = qr/[!\$&'()*+,;=]/;
my $PCHAR      = qr/(?:$UNRESERVED|$PCT|$SUBDELIMS|[:\@])/;
my $SEGMENT    = qr/$PCHAR*/;
my $SEGMENT_NZ = qr/$PCHAR+/;
my $DEC_OCTET  = qr/(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])/;
my $IPV4       = qr/$DEC_OCTET\.$DEC_OCTET\.$DEC_OCTET\.$DEC_OCTET/;
my $H16        = qr/[0-9A-Fa-f]{1,4}/;
my $LS32       = qr/(?:$H16:$H16|$IPV4)/;
my $IPV6       = qr/(?:
      (?:$H16:){6} $LS32
    |                         :: (?:$H16:){5} $LS32
    | (?:            $H16 )?  :: (?:$H16:){4} $LS32
    | (?:(?:$H16:){0,1}$H16)? :: (?:$H16:){3} $LS32
    | (?:(?:$H16:){0,2}$H16)? :: (?:$H16:){2} $LS32
    | (?:(?:$H16:){0,3}$H16)? ::  $H16:       $LS32
    | (?:(?:$H16:){0,4}$H16)? ::              $LS32
    | (?:(?:$H16:){0,5}$H16)? ::              $H16
    | (?:(?:$H16:){0,6}$H16)? ::
)/x;
my $IPVFUTURE  = qr/v[0-9A-Fa-f]+\.(?:$UNRESERVED|$SUBDELIMS|:)+/;
my $IP_LITERAL = qr/\[(?:$IPV6|$IPVFUTURE)\]/;
my $REG_NAME   = qr/(?:$UNRESERVED|$PCT|$SUBDELIMS)*/;
my $HOST       = qr/(?:$IP_LITERAL|$IPV4|$REG_NAME)/;
my $USERINFO   = qr/(?:$UNRESERVED|$PCT|$SUBDELIMS|:)*/;
my $PORT       = qr/[0-9]*/;
my $QUERY      = qr/(?:$PCHAR|[\/?])*/;

# Captures: scheme, authority (undef when hier-part has none), host, path,
# query, fragment.
my $URI = qr{\A
    ([A-Za-z][A-Za-z0-9+\-.]*) :
    (?: // ( (?:$USERINFO\@)? ($HOST) (?::$PORT)? ) ( (?:/$SEGMENT)* )
      | ( /(?:$SEGMENT_NZ(?:/$SEGMENT)*)?       # path-absolute
        | $SEGMENT_NZ(?:/$SEGMENT)*             # path-rootless
        | )                                     # path-empty
    )
    (?: \? ($QUERY) )?
    (?: \# ($QUERY) )?                          # fragment: same charset
\z}x;

# Returns undef if not a URI, else a hash of its parts.
sub parse_uri ($s) {
    return undef unless defined $s && $s =~ $URI;
    return {
        scheme    => lc $1,
        authority => $2,
        host      => $3,
        path      => defined $4 ? $4 : $5,
        query     => $6,
        fragment  => $7,
    };
}

sub is_uri ($s) { return defined parse_uri($s) ? 1 : 0 }

# ------------------------------------------------------- language tags --
# RFC 5646 section 2.1, transcribed (ABNF literals are case-insensitive).

my $GRANDFATHERED = qr/(?:
      en-GB-oed | i-ami | i-bnn | i-default | i-enochian | i-hak
    | i-klingon | i-lux | i-mingo | i-navajo | i-pwn | i-tao | i-tay
    | i-tsu | sgn-BE-FR | sgn-BE-NL | sgn-CH-DE
    | art-lojban | cel-gaulish | no-bok | no-nyn | zh-guoyu | zh-hakka
    | zh-min | zh-min-nan | zh-xiang
)/xi;
my $ALNUM      = qr/[A-Za-z0-9]/;
my $LANGUAGE   = qr/(?: [A-Za-z]{2,3} (?:-[A-Za-z]{3}){0,3}   # 2*3ALPHA ["-" extlang]
                      | [A-Za-z]{4} | [A-Za-z]{5,8} )/x;
my $SCRIPT     = qr/[A-Za-z]{4}/;
my $REGION     = qr/(?:[A-Za-z]{2}|[0-9]{3})/;
my $VARIANT    = qr/(?:$ALNUM{5,8}|[0-9]$ALNUM{3})/;
my $SINGLETON  = qr/[0-9A-WYZa-wyz]/;
my $EXTENSION  = qr/$SINGLETON(?:-$ALNUM{2,8})+/;
my $PRIVATEUSE = qr/[xX](?:-$ALNUM{1,8})+/;
my $LANGTAG    = qr/$LANGUAGE (?:-$SCRIPT)? (?:-$REGION)? (?:-$VARIANT)*
                    (?:-$EXTENSION)* (?:-$PRIVATEUSE)?/x;
my $LANGUAGE_TAG = qr/\A(?:$LANGTAG|$PRIVATEUSE|$GRANDFATHERED)\z/;

# Well-formedness per RFC 5646 §2.2.9 (syntax only; registry validity and
# duplicate variant/singleton checks are out of scope).
sub is_language_tag ($s) { return (defined $s && $s =~ $LANGUAGE_TAG) ? 1 : 0 }

# ----------------------------------------------------------- date-time --
# RFC 3339 section 5.6; "T" and "Z" are case-insensitive per ABNF.

sub _leap ($y) { return ($y % 4 == 0 && $y % 100 != 0) || $y % 400 == 0 }

sub _days_in_month ($y, $m) {
    return 29 if $m == 2 && _leap($y);
    return (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)[$m - 1];
}

# Days since 1970-01-01 of a proleptic Gregorian date (day may overflow).
sub _days_from_civil ($y, $m, $d) {
    $y -= 1 if $m <= 2;
    my $era = int(($y >= 0 ? $y : $y - 399) / 400);
    my $yoe = $y - $era * 400;
    my $doy = int((153 * ($m + ($m > 2 ? -3 : 9)) + 2) / 5) + $d - 1;
    my $doe = $yoe * 365 + int($yoe / 4) - int($yoe / 100) + $doy;
    return $era * 146097 + $doe - 719468;
}

sub _epoch ($y, $mo, $d, $h, $mi, $s) {
    return _days_from_civil($y, $mo, $d) * 86400 + $h * 3600 + $mi * 60 + $s;
}

# Returns the epoch (integer seconds, fraction dropped) or undef.
sub parse_date_time ($s) {
    return undef unless defined $s && $s =~ m{\A
        ([0-9]{4})-([0-9]{2})-([0-9]{2}) [Tt]
        ([0-9]{2}):([0-9]{2}):([0-9]{2}) (?:\.[0-9]+)?
        (?: ([Zz]) | ([+-])([0-9]{2}):([0-9]{2}) )
    \z}x;
    my ($y, $mo, $d, $h, $mi, $sec, $z, $sign, $oh, $om)
        = ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10);
    return undef if $mo < 1 || $mo > 12;
    return undef if $d < 1 || $d > _days_in_month($y, $mo);
    return undef if $h > 23 || $mi > 59 || $sec > 60;   # 60: leap second
    my $off = 0;
    unless (defined $z) {
        return undef if $oh > 23 || $om > 59;
        $off = ($sign eq '-' ? -1 : 1) * ($oh * 3600 + $om * 60);
    }
    return _epoch($y, $mo, $d, $h, $mi, $sec) - $off;
}

# ---------------------------------------------------------- OpenPGP bits --

sub _crc24 ($data) {
    my $crc = 0xB704CE;
    for my $b (unpack 'C*', $data) {
        $crc ^= $b << 16;
        for (1 .. 8) {
            $crc <<= 1;
            $crc ^= 0x1864CFB if $crc & 0x1000000;
        }
    }
    return $crc & 0xFFFFFF;
}

# Structural look at the first packet: must be a signature packet (tag 2)
# of a known version, of type 0x01 (canonical text) as RFC 4880 §7 uses.
# Returns an error message or undef.  No cryptography.
sub _check_sig_packet ($bin) {
    return 'signature armor decodes to nothing' unless length $bin;
    my @b = unpack 'C*', $bin;
    my $ctb = shift @b;
    return 'armored data is not an OpenPGP packet' unless $ctb & 0x80;
    my $tag;
    if ($ctb & 0x40) {                      # new format
        $tag = $ctb & 0x3F;
        my $l = shift(@b) // return 'truncated packet header';
        if ($l >= 192 && $l <= 223) { shift @b }
        elsif ($l == 255)           { splice @b, 0, 4 }
        elsif ($l > 223)            { }      # partial length: body follows
    } else {                                # old format
        $tag = ($ctb >> 2) & 0x0F;
        my $lt = $ctb & 3;
        splice @b, 0, (1, 2, 4, 0)[$lt];
    }
    return "first packet has tag $tag, not 2 (signature)" unless $tag == 2;
    my $ver = $b[0] // return 'truncated signature packet';
    return "signature packet version $ver unknown" unless $ver >= 3 && $ver <= 6;
    my $type = $ver == 3 ? $b[2] : $b[1];
    return 'truncated signature packet' unless defined $type;
    return sprintf('signature type 0x%02x, not 0x01 (canonical text)', $type)
        unless $type == 0x01;
    return undef;
}

# ------------------------------------------------------------- checker --

sub check ($bytes, %opt) {
    $bytes //= '';
    my $now       = $opt{now} // time();
    my $host      = $opt{host};
    my $signed_ok = $opt{signed_ok} // 0;

    my %r = (errors => [], recommendations => [], fields => {},
             signed => 0, text => $bytes, expires_epoch => undef);
    my $err = sub ($code, $line, $msg) {
        push @{$r{errors}}, {code => $code, line => $line, message => $msg};
    };
    my $rec = sub ($code, $line, $msg) {
        push @{$r{recommendations}}, {code => $code, line => $line, message => $msg};
    };

    # --- whole-file checks on bytes ---
    $err->('too_large', 0, sprintf('file is %d bytes, over %d (RFC 9116 §5.4)',
                                   length $bytes, MAX_BYTES))
        if length($bytes) > MAX_BYTES;

    my $buf = $bytes;
    if ($buf =~ s/\A\xEF\xBB\xBF//) {
        $err->('bom_in_file', 1, 'file starts with a UTF-8 byte order mark');
    }

    # Decode line by line so a bad sequence is reported at its line.
    my @raw = split /\n/, $buf, -1;
    my $ends_lf = @raw && $raw[-1] eq '';
    pop @raw if $ends_lf;
    my @lines;          # decoded, without the LF (a CR may remain)
    for my $i (0 .. $#raw) {
        my $chunk = $raw[$i];
        my $dec = eval { Encode::decode('UTF-8', $chunk, Encode::FB_CROAK | Encode::LEAVE_SRC) };
        unless (defined $dec) {
            $err->('utf8', $i + 1, 'line is not valid UTF-8');
            $dec = Encode::decode('UTF-8', $chunk, Encode::FB_DEFAULT | Encode::LEAVE_SRC);
        }
        push @lines, $dec;
    }
    $err->('too_large', 0, sprintf('file has %d lines, over %d (RFC 9116 §5.4)',
                                   scalar @lines, MAX_LINES))
        if @lines > MAX_LINES;
    $err->('no_line_separators', scalar @lines,
           'last line does not end with LF or CRLF')
        if @lines && !$ends_lf;

    # --- signed or unsigned ---
    my $is_armor = sub ($l, $what) {
        (my $t = $l) =~ s/[ \t\r]+\z//;
        return $t eq "-----$what-----";
    };
    my ($first_signed) = grep { $is_armor->($lines[$_], 'BEGIN PGP SIGNED MESSAGE') } 0 .. $#lines;

    my @body;           # [line number, text] of the (unsigned) security.txt
    my $body_ends_lf = $ends_lf;
    if (defined $first_signed) {
        $r{signed} = 1;
        $err->('signed_not_allowed', $first_signed + 1,
               'file is OpenPGP cleartext-signed but signed_ok is not set')
            unless $signed_ok;
        $err->('signed_format_issue', 1,
               'data before -----BEGIN PGP SIGNED MESSAGE-----')
            if $first_signed > 0;
        my $i = $first_signed + 1;

        # Hash armor headers, then exactly one blank line (RFC 4880 §7).
        my $hashes = 0;
        while ($i < @lines && $lines[$i] !~ /\A[ \t]*\r?\z/) {
            my $l = $lines[$i];
            $l =~ s/[ \t\r]+\z//;
            if ($l =~ /\AHash: ([A-Za-z0-9-]+(?:, ?[A-Za-z0-9-]+)*)\z/) {
                $hashes++;
            } elsif ($is_armor->($l, 'BEGIN PGP SIGNATURE')) {
                last;
            } else {
                $err->('signed_format_issue', $i + 1,
                       'expected "Hash: ..." armor header or blank line in cleartext header');
            }
            $i++;
        }
        $err->('signed_format_issue', $first_signed + 2,
               'no "Hash:" armor header after -----BEGIN PGP SIGNED MESSAGE-----')
            unless $hashes;
        if ($i < @lines && $lines[$i] =~ /\A[ \t]*\r?\z/) {
            $i++;
        } else {
            $err->('signed_format_issue', $i + 1,
                   'missing blank line after the cleartext armor headers');
        }

        # Dash-escaped text up to -----BEGIN PGP SIGNATURE-----.
        my $found_sig = 0;
        for (; $i < @lines; $i++) {
            my $l = $lines[$i];
            if ($is_armor->($l, 'BEGIN PGP SIGNATURE')) { $found_sig = 1; last }
            if ($l =~ /\A-/) {
                unless ($l =~ s/\A- //) {
                    $err->('signed_format_issue', $i + 1,
                           'line starting with "-" is not dash-escaped');
                }
            }
            push @body, [$i + 1, $l];
        }
        # The LF before the BEGIN PGP SIGNATURE line belongs to the text
        # (RFC 9116: signed = sign-header unsigned sign-footer).
        $body_ends_lf = $found_sig ? 1 : $ends_lf;

        if (!$found_sig) {
            $err->('signed_format_issue', scalar @lines,
                   'no -----BEGIN PGP SIGNATURE----- line');
        } else {
            my $begin = $i++;
            # Armor headers, blank line, base64, optional checksum, END.
            while ($i < @lines && $lines[$i] =~ /\A[A-Za-z0-9-]+: .*\z/) { $i++ }
            if ($i < @lines && $lines[$i] =~ /\A[ \t]*\r?\z/) {
                $i++;
            } else {
                $err->('signed_format_issue', $i + 1,
                       'missing blank line after signature armor headers');
            }
            my ($b64, $crc, $end) = ('', undef, undef);
            for (; $i < @lines; $i++) {
                (my $l = $lines[$i]) =~ s/[ \t\r]+\z//;
                if ($is_armor->($l, 'END PGP SIGNATURE')) { $end = $i; last }
                if (!defined $crc && $l =~ m{\A[A-Za-z0-9+/]+=*\z}) {
                    $b64 .= $l;
                } elsif (!defined $crc && $l =~ m{\A=([A-Za-z0-9+/]{4})\z}) {
                    $crc = $1;
                } else {
                    $err->('signed_format_issue', $i + 1,
                           'unexpected line in signature armor');
                }
            }
            if (!defined $end) {
                $err->('signed_format_issue', scalar @lines,
                       'no -----END PGP SIGNATURE----- line');
            } else {
                if ($b64 eq '' || length($b64) % 4 || $b64 =~ /=[^=]/) {
                    $err->('signed_format_issue', $begin + 1,
                           'signature armor has no well-formed base64 data');
                } else {
                    my $bin = MIME::Base64::decode_base64($b64);
                    if (defined $crc) {
                        my $want = unpack 'N', "\0" . MIME::Base64::decode_base64($crc);
                        $err->('signed_format_issue', $end,
                               'armor CRC-24 checksum does not match')
                            if $want != _crc24($bin);
                    }
                    if (defined(my $why = _check_sig_packet($bin))) {
                        $err->('signed_format_issue', $begin + 1, $why);
                    }
                }
                for my $j ($end + 1 .. $#lines) {
                    next if $lines[$j] =~ /\A\s*\z/;
                    $err->('data_after_sig', $j + 1,
                           'data after -----END PGP SIGNATURE-----');
                    last;
                }
            }
        }
        my $inner = join '', map { "$_->[1]\n" } @body;
        chop $inner if @body && !$body_ends_lf;
        $r{text} = Encode::encode('UTF-8', $inner);
        if (@body && $body[0][1] =~ s/\A\x{FEFF}//) {
            $err->('bom_in_file', $body[0][0], 'signed text starts with a byte order mark');
        }
    } else {
        @body = map { [$_ + 1, $lines[$_]] } 0 .. $#lines;
        for my $i (0 .. $#lines) {
            next unless $lines[$i] =~ /\A-----(?:BEGIN|END) PGP [A-Z ]+-----[ \t\r]*\z/;
            $err->('signed_format_issue', $i + 1,
                   'OpenPGP armor line in a file that does not start with -----BEGIN PGP SIGNED MESSAGE-----');
        }
    }

    # --- the (unsigned) security.txt text ---
    my %f;              # lc name => [ [line, value], ... ]
    my @order;
    for my $e (@body) {
        my ($n, $l) = @$e;
        $l =~ s/\r\z//;
        if ($l =~ /\r/) {
            $err->('invalid_line', $n, 'bare CR (line separator must be LF or CRLF)');
            next;
        }
        $err->('too_large', $n, sprintf('line is %d characters, over %d (RFC 9116 §5.4)',
                                        length $l, MAX_LINE))
            if length($l) > MAX_LINE;
        next if $l =~ /\A[ \t]*\z/;                     # blank line
        if ($l =~ /\A[ \t]/) {
            $err->('prec_ws', $n, 'line starts with whitespace');
            next;
        }
        if ($l =~ /[\x00-\x08\x0A-\x1F\x7F]/) {
            $err->('invalid_line', $n, 'line contains a control character');
            next;
        }
        next if $l =~ /\A#/;                            # comment
        unless ($l =~ /\A([^:]*):(.*)\z/s) {
            $err->('invalid_line', $n, 'line is not "Name: value", a comment or blank');
            next;
        }
        my ($name, $rest) = ($1, $2);
        if ($name eq '') {
            $err->('empty_key', $n, 'field name is empty');
            next;
        }
        if ($name !~ /\A[A-Za-z0-9-]+\z/) {
            $err->('invalid_field_name', $n,
                   qq{field name "$name" is not 1*(ALPHA / DIGIT / "-")});
            next;
        }
        $rest =~ s/[ \t]+\z//;                          # part of eol
        if ($rest eq '') {
            $err->('empty_value', $n, qq{field "$name" has an empty value});
            next;
        }
        my $value = $rest;
        unless ($value =~ s/\A (?=[^ \t])//) {
            $err->('no_space', $n, qq{"$name:" must be followed by exactly one space});
            $value =~ s/\A[ \t]+//;
        }
        my $lc = lc $name;
        push @{$f{$lc}}, [$n, $value];
        push @{$r{fields}{$lc}}, $value;

        if ($URI_FIELD{$lc}) {
            my $u = parse_uri($value);
            if (!$u) {
                $err->('no_uri', $n, qq{$name value "$value" is not a URI (RFC 3986)});
            } elsif ($u->{scheme} eq 'http') {
                $err->('no_https', $n, qq{$name web URI "$value" must use https});
            } elsif ($u->{scheme} eq 'https' && (!defined $u->{host} || $u->{host} eq '')) {
                $err->('no_uri', $n, qq{$name https URI "$value" has no host});
            }
            if ($lc eq 'csaf'
                && !($u && $u->{scheme} eq 'https'
                     && $u->{path} =~ m{(?:\A|/)provider-metadata\.json\z})) {
                $err->('no_csaf_file', $n,
                       'CSAF value must be an https URI of a provider-metadata.json');
            }
        } elsif ($lc eq 'expires') {
            my $t = parse_date_time($value);
            if (!defined $t) {
                $err->('invalid_expiry', $n,
                       qq{Expires "$value" is not an RFC 3339 date-time with Z or offset});
            } else {
                $r{expires_epoch} //= $t;
            }
        } elsif ($lc eq 'preferred-languages') {
            my @tags = split /[ \t]*,[ \t]*/, $value, -1;
            for my $tag (@tags) {
                next if is_language_tag($tag);
                $err->('invalid_lang', $n,
                       qq{Preferred-Languages: "$tag" is not a well-formed RFC 5646 language tag});
            }
        } elsif ($lc eq 'acknowledgements') {
            $rec->('misspelled_acknowledgments', $n,
                   'field is spelled "Acknowledgments" (RFC 9116 §2.5.1); "Acknowledgements" is an unknown field');
        }
    }

    # --- file-level rules ---
    my $last = @body ? $body[-1][0] : 0;
    $err->('no_contact', $last, 'no Contact field (one or more required)')
        unless $f{contact};
    if (!$f{expires}) {
        $err->('no_expire', $last, 'no Expires field (exactly one required)');
    } elsif (@{$f{expires}} > 1) {
        $err->('multi_expire', $f{expires}[1][0], 'Expires field appears more than once');
    }
    if (defined $r{expires_epoch}) {
        my $ln = $f{expires}[0][0];
        if ($r{expires_epoch} < $now) {
            $err->('expired', $ln, 'Expires date is in the past');
        } else {
            my @g = gmtime $now;
            my $year_ahead = _epoch($g[5] + 1901, $g[4] + 1, $g[3], $g[2], $g[1], $g[0]);
            $rec->('long_expiry', $ln, 'Expires is more than a year ahead')
                if $r{expires_epoch} > $year_ahead;
        }
    }
    $err->('multi_lang', $f{'preferred-languages'}[1][0],
           'Preferred-Languages appears more than once')
        if $f{'preferred-languages'} && @{$f{'preferred-languages'}} > 1;
    $rec->('multiple_csaf_fields', $f{csaf}[1][0], 'more than one CSAF field')
        if $f{csaf} && @{$f{csaf}} > 1;

    if ($f{canonical} && defined $host && length $host) {
        (my $h = lc $host) =~ s/:443\z//;
        my @ok = map { "https://$h$_" } '/.well-known/security.txt', '/security.txt';
        my $match = 0;
        for my $c (@{$f{canonical}}) {
            my $u = parse_uri($c->[1]) or next;
            next unless $u->{scheme} eq 'https' && defined $u->{authority};
            next if defined $u->{query} || defined $u->{fragment};
            (my $auth = lc $u->{authority}) =~ s/:443\z//;
            $match = 1 if grep { $_ eq "https://$auth$u->{path}" } @ok;
        }
        $err->('no_canonical_match', $f{canonical}[0][0],
               "no Canonical field is https://$h/.well-known/security.txt or https://$h/security.txt")
            unless $match;
    }

    $rec->('no_encryption', 0, 'no Encryption field') unless $f{encryption};
    if (!$r{signed}) {
        $rec->('not_signed', 0, 'file is not OpenPGP cleartext-signed');
    } elsif (!$f{canonical}) {
        $rec->('no_canonical', 0, 'signed file has no Canonical field');
    }

    my @e = @{$r{errors}};
    @{$r{errors}} = @e[sort { $e[$a]{line} <=> $e[$b]{line} || $a <=> $b } 0 .. $#e];
    return \%r;
}

# ------------------------------------------------------------- helpers --

sub error_codes ($r)          { return map { $_->{code} } @{$r->{errors}} }
sub recommendation_codes ($r) { return map { $_->{code} } @{$r->{recommendations}} }

sub format_issue ($e) {
    return sprintf '%s (line %s): %s', $e->{code}, $e->{line} // '-', $e->{message};
}

# A Test::More ok() that the file has no errors; diag()s each error and
# note()s each recommendation.  Returns the check() result.
sub is_valid ($bytes, %opt) {
    my $name = delete $opt{name} // 'security.txt is valid per RFC 9116';
    my $r = check($bytes, %opt);
    require Test::Builder;
    my $tb = Test::Builder->new;
    local $Test::Builder::Level = $Test::Builder::Level + 1;
    $tb->ok(!@{$r->{errors}}, $name);
    $tb->diag('RFC 9116: ' . format_issue($_)) for @{$r->{errors}};
    $tb->note('RFC 9116 recommendation: ' . format_issue($_)) for @{$r->{recommendations}};
    return $r;
}

1;
