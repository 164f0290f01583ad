#!/usr/bin/perl
# Tests of the RFC 9116 checker (t/lib/RFC9116.pm) itself.
use v5.36;
use FindBin;
use lib "$FindBin::Bin/lib";
use Test::More;
use Test::Builder::Tester;
use MIME::Base64 ();
use RFC9116;

my $NOW = 1748736000;    # 2025-06-01T00:00:00Z

# ------------------------------------------------------------ helpers --

sub errs ($txt, %o) {
    my $r = RFC9116::check($txt, now => $NOW, signed_ok => 1, %o);
    return [ RFC9116::error_codes($r) ];
}

sub recs ($txt, %o) {
    my $r = RFC9116::check($txt, now => $NOW, signed_ok => 1, %o);
    return [ RFC9116::recommendation_codes($r) ];
}

sub _show ($r) { join '', map { '  ' . RFC9116::format_issue($_) . "\n" } @{$r->{errors}} }

# The file yields error $code (and, unless %o{also}, only errors of that code).
sub catches ($code, $txt, $desc, %o) {
    my $also = delete $o{also} // [];
    my $r = RFC9116::check($txt, now => $NOW, signed_ok => 1, %o);
    my %got = map { $_ => 1 } RFC9116::error_codes($r);
    my $ok = $got{$code} && !grep { my $c = $_; $c ne $code && !grep { $_ eq $c } @$also } keys %got;
    local $Test::Builder::Level = $Test::Builder::Level + 1;
    ok($ok, "$code: $desc") or diag("errors were:\n" . _show($r));
    return $r;
}

sub clean ($txt, $desc, %o) {
    my $r = RFC9116::check($txt, now => $NOW, signed_ok => 1, %o);
    local $Test::Builder::Level = $Test::Builder::Level + 1;
    ok(!@{$r->{errors}}, "no errors: $desc") or diag("errors were:\n" . _show($r));
    return $r;
}

sub has_rec ($code, $txt, $desc, %o) {
    local $Test::Builder::Level = $Test::Builder::Level + 1;
    ok((grep { $_ eq $code } @{recs($txt, %o)}), "recommendation $code: $desc");
}

sub no_rec ($code, $txt, $desc, %o) {
    local $Test::Builder::Level = $Test::Builder::Level + 1;
    ok(!(grep { $_ eq $code } @{recs($txt, %o)}), "no recommendation $code: $desc");
}

# Minimal valid body; $extra lines are appended.
my $C = "Contact: mailto:security\@example.org\n";
my $E = "Expires: 2025-12-31T23:59:59Z\n";
sub min (@extra) { return $C . $E . join '', map { "$_\n" } @extra }

my $GOOD = <<'EOF';
# Security contact for example.org -- ünïcödé comment is fine
Contact: mailto:security@example.org
Contact: https://example.org/report
Contact: tel:+1-201-555-0123
Expires: 2026-01-01T00:00:00.000Z
Encryption: https://example.org/pgp-key.txt
Encryption: openpgp4fpr:5f2de5521c63a801ab59ccb603d49de44b29100f
Acknowledgments: https://example.org/hall-of-fame.html
Preferred-Languages: en, de-CH, zh-Hant-TW
Canonical: https://example.org/.well-known/security.txt
Canonical: https://example.org/security.txt
Policy: https://example.org/policy.html
Hiring: https://example.org/jobs.html
CSAF: https://example.org/.well-known/csaf/provider-metadata.json

Bug-Bounty: True
X-Custom-Field: anything goes here, ok?
EOF

# Fake OpenPGP cleartext signature with a structurally correct v4
# signature packet (type 0x01, EdDSA, SHA-512) and a correct CRC-24.
sub crc24 ($data) {
    my $crc = 0xB704CE;
    for my $b (unpack 'C*', $data) {
        $crc ^= $b << 16;
        for (1 .. 8) { $crc <<= 1; $crc ^= 0x1864CFB if $crc & 0x1000000 }
    }
    return $crc & 0xFFFFFF;
}
sub armor_sig (%o) {
    my $type = $o{type} // 0x01;
    my $hashed = pack('CC N', 5, 2, $NOW);                      # creation time
    my $body = pack('CCCC n', 4, $type, 22, 10, length $hashed) . $hashed
             . pack('n', 0) . "\xAB\xCD"
             . pack('n', 256) . ("\x11" x 32) . pack('n', 256) . ("\x22" x 32);
    my $pkt = pack('CC', $o{tag_byte} // 0xC2, length $body) . $body;
    my $b64 = MIME::Base64::encode_base64($pkt, '');
    my $crc = MIME::Base64::encode_base64(substr(pack('N', crc24($pkt) ^ ($o{bad_crc} ? 1 : 0)), 1), '');
    my @l = ($b64 =~ /(.{1,64})/g);
    return "-----BEGIN PGP SIGNATURE-----\n"
         . ($o{armor_headers} // '') . "\n"
         . join('', map { "$_\n" } @l) . "=$crc\n-----END PGP SIGNATURE-----\n";
}
sub sign ($text, %o) {
    (my $esc = $text) =~ s/^-/- -/mg;
    return "-----BEGIN PGP SIGNED MESSAGE-----\n"
         . ($o{hash} // "Hash: SHA512\n") . "\n" . $esc . armor_sig(%o);
}

# ------------------------------------------------------ building blocks --

subtest 'language tags (RFC 5646 Language-Tag, well-formedness)' => sub {
    for my $t (qw(en EN en-US de-CH zh-Hant-TW sr-Latn-RS es-419 de-CH-1901
                  sl-rozaj-biske sl-IT-nedis hy-Latn-IT-arevela zh-yue-HK
                  zh-cmn-Hans-CN en-a-bbb-x-a-ccc en-US-u-islamcal
                  qaa-Qaaa-QM-x-southern x-whatever X-a-b i-klingon I-KLINGON
                  en-GB-oed sgn-CH-DE zh-min-nan art-lojban de-1996 mn-Cyrl-MN
                  english abcd ar-a-aaa-b-bbb-a-ccc)) {
        ok(RFC9116::is_language_tag($t), "well-formed: $t");
    }
    for my $t ('', 'e', 'en-', '-en', 'en_US', 'a-DE', 'de-419-DE', 'en-x',
               'x', 'toolonglang', 'en-a', 'en-a-b', 'x-abcdefghi', '1en',
               'en-US-x-', 'en--US', 'en US', 'i-notreal', 'en-GB-oedx',
               'zh-Hant-Hans', 'de-DE-1', 'ab-abcd-abc', "en\x{e9}") {
        ok(!RFC9116::is_language_tag($t), "not well-formed: '$t'");
    }
};

subtest 'URIs (RFC 3986 section 3)' => sub {
    for my $u ('https://example.org', 'https://example.org/', 'mailto:a@b.c',
               'tel:+1-201-555-0123', 'https://[2001:db8::1]:8443/x?y=z#f',
               'https://[::ffff:192.0.2.1]/', 'https://192.0.2.1/', 'urn:isbn:0451450523',
               'https://u:p@ex.org:443/a%20b/', 'openpgp4fpr:5F2D', 'dns:example.org?type=TXT',
               'https://[v7.fe80::a+en1]/', 'https://ex.org/p?q=/?#/?', 'x:', 'a+b-c.d:/') {
        ok(RFC9116::is_uri($u), "URI: $u");
    }
    for my $u ('security@example.org', 'example.org', '/path', 'https://ex ample.org',
               'https://ex.org/%zz', 'https://[2001:db8::1::2]/', 'https://[1:2:3:4:5:6:7:8:9]/',
               'https://ex.org/a b', '1http://x', 'https://ex.org/#a#b', 'https://ex.org/<x>',
               'https://ex.org:80a/', "https://\x{e9}x.org/", 'https://[192.0.2.1]/',
               ':foo', 'https://ex.org/"') {
        ok(!RFC9116::is_uri($u), "not a URI: '$u'");
    }
};

subtest 'date-time (RFC 3339 section 5.6)' => sub {
    is(RFC9116::parse_date_time('2025-06-01T00:00:00Z'), $NOW, 'Z');
    is(RFC9116::parse_date_time('2025-06-01t00:00:00z'), $NOW, 'lowercase t/z');
    is(RFC9116::parse_date_time('2025-06-01T02:30:00+02:30'), $NOW, '+02:30');
    is(RFC9116::parse_date_time('2025-05-31T20:00:00-04:00'), $NOW, '-04:00');
    is(RFC9116::parse_date_time('2025-06-01T00:00:00.999Z'), $NOW, 'fraction');
    is(RFC9116::parse_date_time('1970-01-01T00:00:00Z'), 0, 'epoch');
    is(RFC9116::parse_date_time('2000-03-01T00:00:00Z'), 951868800, '2000-03-01');
    ok(defined RFC9116::parse_date_time('2024-02-29T12:00:00Z'), 'leap day');
    ok(defined RFC9116::parse_date_time('2016-12-31T23:59:60Z'), 'leap second');
    for my $d ('2025-02-29T00:00:00Z', '1900-02-29T00:00:00Z', '2025-13-01T00:00:00Z',
               '2025-00-10T00:00:00Z', '2025-04-31T00:00:00Z', '2025-06-00T00:00:00Z',
               '2025-06-01T24:00:00Z', '2025-06-01T00:60:00Z', '2025-06-01T00:00:61Z',
               '2025-06-01T00:00:00', '2025-06-01 00:00:00Z', '2025-06-01',
               '2025-06-01T00:00Z', '2025-06-01T00:00:00+0200', '2025-06-01T00:00:00+24:00',
               '2025-06-01T00:00:00+02:60', '2025-06-01T00:00:00.Z', '25-06-01T00:00:00Z',
               'Sun, 01 Jun 2025 00:00:00 GMT', '2025-06-01T00:00:00UTC',
               '2025-06-01T00:00:00 Z', '') {
        ok(!defined RFC9116::parse_date_time($d), "not RFC 3339 date-time: '$d'");
    }
};

# --------------------------------------------------------- valid files --

{
    my $r = clean($GOOD, 'full example file', host => 'example.org');
    is_deeply($r->{fields}{contact},
              ['mailto:security@example.org', 'https://example.org/report', 'tel:+1-201-555-0123'],
              'Contact values in order');
    is($r->{fields}{'bug-bounty'}[0], 'True', 'unknown field kept');
    is($r->{expires_epoch}, 1767225600, 'expires_epoch');
    is($r->{signed}, 0, 'not signed');
    is($r->{text}, $GOOD, 'text is the input');
    is_deeply([ RFC9116::recommendation_codes($r) ], ['not_signed'], 'only not_signed recommended');
}
clean(min(), 'minimal file: Contact and Expires');
clean(min() =~ s/\n/\r\n/gr, 'CRLF line endings');
clean("Contact: mailto:a\@b.c\r\nExpires: 2025-12-31T23:59:59Z\n", 'mixed CRLF and LF');
clean("contact: mailto:a\@b.c\nEXPIRES: 2025-12-31T23:59:59Z\nPREFERRED-languages: EN\n", 'field names are case-insensitive');
clean("Contact: mailto:a\@b.c   \t\nExpires: 2025-12-31T23:59:59Z \n", 'trailing whitespace is part of eol');
clean("\n  \n#\n# c\n" . min() . "\n\n", 'blank, whitespace-only and comment lines');
clean(min('Preferred-Languages: en,fr ,  de'), 'language list spacing');
clean(min('Preferred-Languages: i-klingon, x-private, en-GB-oed'), 'grandfathered and private-use tags');
clean(min('X-Unicode: wert mit ümlaut', 'Foo-1: a: b: c'), 'unknown fields, UTF-8 and colons in values');
clean($E . $C, 'order of fields does not matter');
clean("Contact: mailto:a\@b.c\nExpires: 2025-06-01T00:00:00-01:00\n", 'Expires with offset, later than now');
{
    my $r = clean(min('Canonical: https://EXAMPLE.org:443/security.txt'), 'canonical match ignores case and :443',
                  host => 'example.org');
    clean(min('Canonical: https://example.org:8443/.well-known/security.txt'),
          'host with port', host => 'example.org:8443');
    clean(min(), 'host given, no Canonical: nothing to match', host => 'example.org');
}

# ---------------------------------------------------------- error codes --

catches('no_contact', $E, 'no Contact');
catches('no_contact', '', 'empty file', also => ['no_expire']);
catches('no_contact', "Contacts: mailto:a\@b.c\n$E", 'misspelled Contact is an unknown field');
catches('no_expire', $C, 'no Expires');
catches('multi_expire', min('Expires: 2025-12-30T00:00:00Z'), 'two Expires');
catches('invalid_expiry', "${C}Expires: 2025-12-31\n", 'date only');
catches('invalid_expiry', "${C}Expires: 2025-12-31T23:59:59\n", 'no offset');
catches('invalid_expiry', "${C}Expires: 2025-12-31 23:59:59Z\n", 'space instead of T');
catches('invalid_expiry', "${C}Expires: Wed, 31 Dec 2025 23:59:59 GMT\n", 'HTTP date');
catches('invalid_expiry', "${C}Expires: 2025-02-29T00:00:00Z\n", 'no Feb 29 in 2025');
catches('expired', "${C}Expires: 2025-05-31T23:59:59Z\n", 'one second ago');
catches('expired', "${C}Expires: 2025-06-01T01:00:00+02:00\n", 'past after offset');
catches('multi_lang', min('Preferred-Languages: en', 'Preferred-Languages: de'), 'two Preferred-Languages');
catches('invalid_lang', min('Preferred-Languages: en_US'), 'underscore');
catches('invalid_lang', min('Preferred-Languages: en, '), 'trailing comma');
catches('invalid_lang', min('Preferred-Languages: en de'), 'space separated');
catches('invalid_lang', min('Preferred-Languages: de-419-DE'), 'two regions');
catches('invalid_lang', min('Preferred-Languages: en;q=0.5'), 'HTTP quality value');
catches('no_uri', "Contact: security\@example.org\n$E", 'bare e-mail address');
catches('no_uri', "Contact: example.org\n$E", 'no scheme');
catches('no_uri', min('Encryption: https://example.org/a key.txt'), 'space in Encryption');
catches('no_uri', min('Policy: https://example.org/a https://example.org/b'), 'two URIs chained');
catches('no_uri', min('Canonical: https:/security.txt'), 'https without host');
catches('no_uri', min('Hiring: /jobs'), 'relative reference');
catches('no_uri', min('Acknowledgments: <https://example.org/>'), 'angle brackets');
catches('no_https', "Contact: http://example.org/report\n$E", 'http Contact');
catches('no_https', min('Encryption: HTTP://example.org/key'), 'http Encryption, scheme case-insensitive');
catches('no_https', min('Canonical: http://example.org/.well-known/security.txt'), 'http Canonical');
catches('no_csaf_file', min('CSAF: https://example.org/csaf/index.json'), 'not provider-metadata.json');
catches('no_csaf_file', min('CSAF: ftp://example.org/provider-metadata.json'), 'not https');
catches('no_csaf_file', min('CSAF: http://example.org/provider-metadata.json'), 'http',
        also => ['no_https']);
catches('no_canonical_match', min('Canonical: https://other.example/.well-known/security.txt'),
        'Canonical for another host', host => 'example.org');
catches('no_canonical_match', min('Canonical: https://example.org/sec.txt'),
        'Canonical for another path', host => 'example.org');
catches('no_canonical_match', min('Canonical: https://example.org/security.txt?x'),
        'Canonical with a query', host => 'example.org');
catches('prec_ws', " $C$E", 'leading space', also => ['no_contact']);
catches('prec_ws', min("\t# comment"), 'leading tab before a comment');
catches('no_space', "Contact:mailto:a\@b.c\n$E", 'no space');
catches('no_space', "Contact:  mailto:a\@b.c\n$E", 'two spaces');
catches('no_space', "Contact:\tmailto:a\@b.c\n$E", 'tab');
catches('empty_key', min(': value'), 'empty field name');
catches('empty_value', min('Policy:'), 'empty value');
catches('empty_value', min('Policy:   '), 'whitespace-only value');
catches('invalid_line', min('this is not a field'), 'no colon');
catches('invalid_line', min("Policy: https://example.org/p\rHiring: https://example.org/h"), 'bare CR');
catches('invalid_line', min("X-Foo: a\x00b"), 'NUL in value');
catches('invalid_line', min("# bell \a"), 'control character in comment');
catches('invalid_field_name', min('Pre ferred: x'), 'space in field name');
catches('invalid_field_name', min('Contact : mailto:a@b.c'), 'space before colon');
catches('invalid_field_name', min('X_Foo: bar'), 'underscore in field name');
catches('invalid_field_name', min('X-Ünicode: bar'), 'non-ASCII field name');
catches('no_line_separators', "$C${E}Policy: https://example.org/p", 'last line without LF');
catches('no_line_separators', "$C${E}# end", 'last comment without LF');
catches('utf8', min("# caf\xE9"), 'Latin-1 byte');
catches('utf8', min("# \xC0\xAF"), 'overlong encoding');
catches('utf8', min("# \xED\xA0\x80"), 'encoded surrogate');
catches('bom_in_file', "\xEF\xBB\xBF" . min(), 'UTF-8 BOM');
catches('too_large', min(map { "# padding line $_" . ('.' x 100) } 1 .. 300), 'over 32 KiB');
catches('too_large', min(('#') x 1000), 'over 1000 lines');
catches('too_large', min('# ' . ('x' x 2047)), 'line over 2048 characters');
clean(min('# ' . ('x' x 2046)), 'line of exactly 2048 characters');
clean(min(('#') x 998), 'exactly 1000 lines');

# ---------------------------------------------------------- signed files --

{
    my $r = clean(sign($GOOD), 'signed full example', host => 'example.org');
    is($r->{signed}, 1, 'signed flag');
    is($r->{text}, $GOOD, 'text is the unsigned text');
    ok(!exists $r->{fields}{hash}, 'Hash: armor header is not a field');
    ok(!exists $r->{fields}{version}, 'armor headers of the signature are not fields');
    is_deeply([ RFC9116::recommendation_codes($r) ], [], 'no recommendations');

    my $t = min('-Dashed-Field: escaped');
    $r = clean(sign($t, armor_headers => "Version: Fake 1.0\nComment: test\n"),
               'dash-escaped line and signature armor headers');
    is($r->{fields}{'-dashed-field'}[0], 'escaped', 'dash-unescaped');
    is($r->{text}, $t, 'text dash-unescaped');

    clean(sign(min()) =~ s/\n/\r\n/gr, 'signed with CRLF');
    clean(sign(min(), hash => "Hash: SHA256, SHA512\n"), 'Hash list');
    clean(sign(min(), hash => "Hash: SHA256\nHash: SHA512\n"), 'two Hash headers');
    clean(sign(min(), tag_byte => 0x88), 'old-format signature packet header') ;
    clean(sign(min()) . "\n \n", 'whitespace after the signature');

    catches('signed_not_allowed', sign(min()), 'signed_ok not set', signed_ok => 0);

    # The signed text is checked as a security.txt.
    catches('no_contact', sign($E), 'signed, no Contact');
    catches('no_https', sign(min('Policy: http://example.org/')), 'signed, http Policy');
    catches('no_line_separators', sign(min()) =~ s/\n\z//r, 'signed, no final LF');

    catches('signed_format_issue', sign(min(), hash => ''), 'no Hash header');
    catches('signed_format_issue', sign(min(), hash => "Hash: SHA512\nComment: x\n"), 'other header than Hash');
    catches('signed_format_issue', sign(min()) =~ s/SHA512\n\n/SHA512\n/r, 'no blank line after Hash',
            also => ['no_contact', 'no_expire']);
    {
        my $s = sign(min('-X: y'));
        $s =~ s/^- -X/-X/m;
        catches('signed_format_issue', $s, 'line starting with "-" not dash-escaped');
    }
    catches('signed_format_issue', "# hi\n" . sign(min()), 'data before BEGIN PGP SIGNED MESSAGE');
    catches('signed_format_issue', sign(min()) =~ s/-----END PGP SIGNATURE-----\n//r, 'no END line');
    catches('signed_format_issue', sign(min()) =~ s/-----BEGIN PGP SIGNATURE-----.*//sr,
            'no signature at all');
    catches('signed_format_issue', sign(min(), bad_crc => 1), 'bad CRC-24');
    catches('signed_format_issue', sign(min()) =~ s/^(-----BEGIN PGP SIGNATURE-----\n)\n/$1/mr,
            'no blank line before base64');
    catches('signed_format_issue', sign(min()) =~ s/^(\w{10})\w/$1!/mr, 'bad base64 character');
    catches('signed_format_issue', sign(min(), tag_byte => 0xC6), 'packet is not a signature');
    catches('signed_format_issue', sign(min(), type => 0x00), 'binary signature type');
    catches('signed_format_issue', min() . armor_sig(), 'signature appended to unsigned file',
            also => ['invalid_line']);
    catches('data_after_sig', sign(min()) . "Contact: mailto:evil\@example.net\n", 'field after signature');
    catches('data_after_sig', sign(min()) . sign(min()), 'second signed message');
}

# ------------------------------------------------------ recommendations --

has_rec('not_signed', min(), 'unsigned file');
no_rec('not_signed', sign(min()), 'signed file');
has_rec('no_canonical', sign(min()), 'signed without Canonical');
no_rec('no_canonical', min(), 'unsigned without Canonical');
has_rec('no_encryption', min(), 'no Encryption');
no_rec('no_encryption', min('Encryption: https://example.org/k'), 'Encryption present');
has_rec('long_expiry', "${C}Expires: 2026-06-01T00:00:01Z\n", 'a year and a second ahead');
no_rec('long_expiry', "${C}Expires: 2026-06-01T00:00:00Z\n", 'exactly a year ahead');
has_rec('multiple_csaf_fields',
        min('CSAF: https://a.example/provider-metadata.json', 'CSAF: https://b.example/provider-metadata.json'),
        'two CSAF');
no_rec('multiple_csaf_fields', min('CSAF: https://a.example/provider-metadata.json'), 'one CSAF');
has_rec('misspelled_acknowledgments', min('Acknowledgements: https://example.org/thanks'), 'BunkerWeb spelling');
no_rec('misspelled_acknowledgments', min('Acknowledgments: https://example.org/thanks'), 'RFC spelling');
is_deeply(errs(min('Acknowledgements: https://example.org/thanks')), [], 'misspelling is not an error');

# --------------------------------------------------------------- is_valid --

{
    my $r = RFC9116::is_valid(sign($GOOD), now => $NOW, signed_ok => 1, host => 'example.org',
                              name => 'is_valid passes a good signed file');
    is($r->{signed}, 1, 'is_valid returns the result');

    test_out('not ok 1 - bad file');
    test_out('# RFC 9116 recommendation: no_encryption (line 0): no Encryption field');
    test_out('# RFC 9116 recommendation: not_signed (line 0): file is not OpenPGP cleartext-signed');
    test_fail(+3);
    test_diag("RFC 9116: no_space (line 1): \"Expires:\" must be followed by exactly one space");
    test_diag('RFC 9116: no_contact (line 1): no Contact field (one or more required)');
    RFC9116::is_valid("Expires:2025-12-31T23:59:59Z\n", now => $NOW, name => 'bad file');
    test_test('is_valid fails and diagnoses each error');
}

done_testing;
