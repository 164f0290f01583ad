#!/usr/bin/perl

# "nginx -t" refuses every security.txt directive that breaks a rule of
# RFC 9116 seen at configuration time, naming the directive, the value and
# the rule; and nginx does not start with such a configuration.

use strict;
use warnings;

use FindBin;
use lib "$FindBin::Bin/lib";

use Test::More;
use SCTest;

sub conf_with {
    my ($directives) = @_;
    return <<"EOF";
    server {
        listen 127.0.0.1:%%PORT_0%%;
        server_name example.org;
        security_txt on;
        $directives
    }
EOF
}

my $C = 'security_txt_contact mailto:security@example.org;';

my @cases = (
    [ 'no Contact', '',
      qr/"security_txt on" in \S+:\d+ applies to server "example\.org", which has no "security_txt_contact": RFC 9116 section 2\.5\.3/ ],
    [ 'Contact not a URI', 'security_txt_contact security-at-example.org;',
      qr/"security_txt_contact" value "security-at-example\.org" is invalid: not a URI/ ],
    [ 'Contact with a space', 'security_txt_contact "mailto:a b@example.org";',
      qr/"security_txt_contact" value "mailto:a b\@example\.org" is invalid: not a URI: it holds a character that must be percent-encoded/ ],
    [ 'http Contact', 'security_txt_contact http://example.org/contact;',
      qr/"security_txt_contact" value "http:\/\/example\.org\/contact" is invalid: a web URI must begin with "https:\/\/" \(RFC 9116 section 2\.5\)/ ],
    [ 'https without host', "$C security_txt_policy https:/policy;",
      qr/"security_txt_policy" value "https:\/policy" is invalid: not a URI: an https URI must name a host/ ],
    [ 'empty Contact', 'security_txt_contact "";',
      qr/"security_txt_contact" has an empty value/ ],
    [ 'http Encryption', "$C security_txt_encryption http://example.org/key.asc;",
      qr/"security_txt_encryption" value "http:\/\/example\.org\/key\.asc" is invalid: a web URI must begin with "https:\/\/"/ ],
    [ 'http Acknowledgments', "$C security_txt_acknowledgments http://example.org/hof;",
      qr/"security_txt_acknowledgments" value "http:\/\/example\.org\/hof" is invalid: a web URI/ ],
    [ 'http Hiring', "$C security_txt_hiring http://example.org/jobs;",
      qr/"security_txt_hiring" value .* is invalid: a web URI/ ],
    [ 'http Canonical', "$C security_txt_canonical http://example.org/.well-known/security.txt;",
      qr/"security_txt_canonical" value .* is invalid: a web URI/ ],
    [ 'bad percent escape', "$C security_txt_policy https://example.org/%zz;",
      qr/"security_txt_policy" value "https:\/\/example\.org\/%zz" is invalid: not a URI: "%" must start a percent-encoded octet/ ],
    [ 'window over a year', "$C security_txt_expires 400d;",
      qr/"security_txt_expires" window "400d" is over 1 year: RFC 9116 section 2\.5\.5/ ],
    [ 'window not a time', "$C security_txt_expires soon;",
      qr/"security_txt_expires" window "soon" is invalid: it must be a time/ ],
    [ 'renew not a time', "$C security_txt_expires 30d renew=daily;",
      qr/"security_txt_expires" interval "renew=daily" is invalid/ ],
    [ 'renew not shorter than window', "$C security_txt_expires 1d renew=2d;",
      qr/"security_txt_expires" interval "renew=2d" is not shorter than the window "1d"/ ],
    [ 'window too short to renew', "$C security_txt_expires 1s;",
      qr/"security_txt_expires" window "1s" is too short to be renewed within it/ ],
    [ 'unknown expires parameter', "$C security_txt_expires 30d every=1d;",
      qr/"security_txt_expires" has an unknown parameter "every=1d"/ ],
    [ 'malformed language tag', "$C security_txt_preferred_languages en english!;",
      qr/"security_txt_preferred_languages" value "english!" is invalid: not a well-formed language tag \(RFC 5646/ ],
    [ 'one-letter language', "$C security_txt_preferred_languages e;",
      qr/"security_txt_preferred_languages" value "e" is invalid: not a well-formed language tag/ ],
    [ 'language subtag too long', "$C security_txt_preferred_languages en-abcdefghi;",
      qr/"security_txt_preferred_languages" value "en-abcdefghi" is invalid/ ],
    [ 'CSAF not provider-metadata.json', "$C security_txt_csaf https://example.org/csaf.json;",
      qr/"security_txt_csaf" value "https:\/\/example\.org\/csaf\.json" is invalid: a CSAF value must be the URI of a file named "provider-metadata\.json"/ ],
    [ 'CSAF over http', "$C security_txt_csaf http://example.org/provider-metadata.json;",
      qr/"security_txt_csaf" value .* is invalid: a web URI must begin with "https:\/\/"/ ],
    [ 'CSAF not https', "$C security_txt_csaf ftp://example.org/provider-metadata.json;",
      qr/"security_txt_csaf" value .* is invalid: a CSAF value must be an https URI/ ],
    [ 'field value with LF', "$C security_txt_field Bug-Bounty \"True\\nContact: mailto:evil\@example.com\";",
      qr/"security_txt_field" value "True\nContact: mailto:evil\@example\.com" is invalid: the value holds a line break \(CR or LF\)/ ],
    [ 'field value with CR', "$C security_txt_field Bug-Bounty \"True\\r\";",
      qr/"security_txt_field" value "True\r" is invalid: the value holds a line break/ ],
    [ 'comment with LF', "$C security_txt_comment \"one\\ntwo\";",
      qr/"security_txt_comment" value "one\ntwo" is invalid: the value holds a line break/ ],
    [ 'field name with underscore', "$C security_txt_field Bug_Bounty True;",
      qr/"security_txt_field" name "Bug_Bounty" is invalid: a field name may hold only letters, digits and "-"/ ],
    [ 'field repeating Expires', "$C security_txt_field Expires 2030-01-01T00:00:00Z;",
      qr/"security_txt_field" name "Expires" is invalid: this field has a directive of its own/ ],
    [ 'field misspelling Acknowledgements', "$C security_txt_field Acknowledgements https://example.org/;",
      qr/"security_txt_field" name "Acknowledgements" is invalid/ ],
    [ 'field with empty value', "$C security_txt_field Bug-Bounty \"\";",
      qr/"security_txt_field" has an empty value/ ],
    [ 'field value not UTF-8', "$C security_txt_field X-Note \"\xff\xfe\";",
      qr/"security_txt_field" value .* is invalid: the value is not valid UTF-8/ ],
    [ 'review date not a date', "$C security_txt_review_by 2027-02-30;",
      qr/"security_txt_review_by" value "2027-02-30" is invalid: it must be a calendar date written YYYY-MM-DD/ ],
    [ 'review date in another format', "$C security_txt_review_by 30/01/2027;",
      qr/"security_txt_review_by" value "30\/01\/2027" is invalid/ ],
    [ 'https_only not a flag', "$C security_txt_https_only yes;",
      qr/invalid value "yes" in "security_txt_https_only" directive, it must be "on" or "off"/ ],
    [ 'security_txt twice', "$C security_txt off;",
      qr/"security_txt" directive is duplicate/ ],
    [ 'duplicate expires', "$C security_txt_expires 30d; security_txt_expires 20d;",
      qr/"security_txt_expires" directive is duplicate/ ],
    [ 'canonical off then a URI', "$C security_txt_canonical off; security_txt_canonical https://example.org/.well-known/security.txt;",
      qr/"security_txt_canonical" directive is duplicate/ ],
    [ 'directive in a location', "$C location / { security_txt_contact mailto:a\@example.org; }",
      qr/"security_txt_contact" directive is not allowed here/ ],
);

for my $case (@cases) {
    my ($name, $directives, $re) = @$case;

    my $t = SCTest->new;
    $t->write_conf(conf_with($directives));

    my ($rc, $out) = $t->test_conf;
    isnt($rc, 0, "$name: nginx -t fails");
    like($out, qr/\[emerg\].*$re/s, "$name: the message says what is wrong")
        or diag($out);
    like($out, qr/nginx\.conf:\d+/, "$name: the message names the file");

    my $started = eval { $t->start; 1 };
    ok(!$started, "$name: nginx does not start");
    $t->stop if $started;
}

# what is accepted at configuration time: the valid forms of each value

my $t = SCTest->new;
$t->write_conf(conf_with(<<'EOF'));
        security_txt_contact mailto:security@example.org
                             "tel:+1-201-555-0123"
                             https://example.org/security%20contact;
        security_txt_encryption openpgp4fpr:5f2de5521c63a801ab59ccb603d49de44b29100f;
        security_txt_encryption dns:5d2d37ab76d47d36._openpgpkey.example.com?type=OPENPGPKEY;
        security_txt_preferred_languages en zh-Hant-TW sr-Latn-RS de-CH-1996
                                         x-private i-klingon en-a-bbb-x-a-ccc;
        security_txt_expires 365d renew=12h;
        security_txt_canonical https://example.org/.well-known/security.txt
                               https://www.example.org/.well-known/security.txt;
        security_txt_field Bug-Bounty True;
        security_txt_comment "";
        security_txt_comment "日本語のコメント";
        security_txt_review_by 2099-12-31;
        security_txt_csaf https://example.org/.well-known/csaf/provider-metadata.json;
EOF
my ($rc, $out) = $t->test_conf;
is($rc, 0, 'valid values pass nginx -t') or diag($out);

done_testing;
