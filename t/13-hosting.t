#!/usr/bin/perl

# A hosting provider's setup: security_txt on once at http{} level, values
# per tenant through map $host, per-server overrides; values with
# variables checked when rendered, and a file that would break a MUST of
# RFC 9116 not served.

use strict;
use warnings;

use FindBin;
use lib "$FindBin::Bin/lib";

use Test::More;
use SCTest;
use RFC9116;

my $t = SCTest->new;
$t->run(<<'EOF');
    map $host $tenant_contact {
        default          "";
        alpha.example    mailto:security@alpha.example;
        beta.example     https://beta.example/report;
        gamma.example    "tel:+81-3-1234-5678";
        broken.example   http://broken.example/contact;
        spaced.example   "mailto:a b@spaced.example";
    }

    map $host $tenant_policy {
        default          "";
        alpha.example    https://alpha.example/security-policy;
        csaf.example     https://csaf.example/policy;
    }

    map $host $tenant_langs {
        default          en;
        beta.example     ja;
        badlang.example  "en_US";
    }

    map $host $tenant_csaf {
        default          "";
        csaf.example     https://csaf.example/csaf.json;
    }

    map $host $tenant_note {
        default          "";
        inject.example   "x\nContact: mailto:attacker@evil.example";
    }

    security_txt on;
    security_txt_https_only off;
    security_txt_contact $tenant_contact mailto:abuse@hosting.example;
    security_txt_policy $tenant_policy;
    security_txt_preferred_languages $tenant_langs;
    security_txt_csaf $tenant_csaf;
    security_txt_field X-Tenant-Note $tenant_note;
    security_txt_comment "Hosted by Example Hosting for $host";

    server {
        listen 127.0.0.1:%%PORT_0%%;
        server_name alpha.example;
    }

    server {
        listen 127.0.0.1:%%PORT_0%%;
        server_name beta.example;
    }

    server {
        listen 127.0.0.1:%%PORT_0%%;
        server_name gamma.example;

        # a list set here replaces the inherited one
        security_txt_contact mailto:sec@gamma.example;
        security_txt_hiring https://gamma.example/jobs;
    }

    server {
        listen 127.0.0.1:%%PORT_0%% default_server;
        server_name _;
    }

    server {
        listen 127.0.0.1:%%PORT_0%%;
        server_name opted-out.example;
        security_txt off;
        location / { return 200 "tenant's own\n"; }
    }

    server {
        listen 127.0.0.1:%%PORT_0%%;
        server_name empty.example;
        security_txt_contact $tenant_contact;
    }
EOF

my $now = time;

sub get {
    my ($host) = @_;
    return $t->http('/.well-known/security.txt', host => $host);
}

my %want = (
    'alpha.example' => ['mailto:security@alpha.example',
                        'mailto:abuse@hosting.example'],
    'beta.example'  => ['https://beta.example/report',
                        'mailto:abuse@hosting.example'],
    'gamma.example' => ['mailto:sec@gamma.example'],
);

for my $host (sort keys %want) {
    my $r = get($host);
    is($r->{status}, 200, "$host: 200");
    my $chk = RFC9116::is_valid($r->{body}, now => $now, host => $host,
                                name => "$host: valid file");
    is_deeply($chk->{fields}{contact}, $want{$host}, "$host: its Contacts");
    is_deeply($chk->{fields}{canonical},
              ["https://$host/.well-known/security.txt"],
              "$host: its own Canonical");
    like($r->{body}, qr/^# Hosted by Example Hosting for \Q$host\E$/m,
         "$host: variables in comments");
}

my $alpha = RFC9116::check(get('alpha.example')->{body}, now => $now);
is_deeply($alpha->{fields}{policy}, ['https://alpha.example/security-policy'],
          'alpha: its Policy');
my $beta = RFC9116::check(get('beta.example')->{body}, now => $now);
ok(!$beta->{fields}{policy}, 'beta: an empty value leaves the field out');
is_deeply($beta->{fields}{'preferred-languages'}, ['ja'], 'beta: ja');
ok(!$beta->{fields}{'x-tenant-note'}, 'beta: empty extension left out');
my $gamma = RFC9116::check(get('gamma.example')->{body}, now => $now);
is_deeply($gamma->{fields}{hiring}, ['https://gamma.example/jobs'],
          'gamma: a server-level field');

my $other = get('unknown.example');
is($other->{status}, 200, 'any other host through the default server');
RFC9116::is_valid($other->{body}, now => $now, host => 'unknown.example',
                  name => 'default server file valid');

my $opt = get('opted-out.example');
is($opt->{body}, "tenant's own\n", 'security_txt off in one server');

# --- values with variables are checked when rendered

$t->new_log;

my @bad = (
    [ 'broken.example', qr/security\.txt for host "broken\.example" not served: Contact value "http:\/\/broken\.example\/contact" is invalid: a web URI must begin with "https:\/\/"/ ],
    [ 'spaced.example', qr/host "spaced\.example" not served: Contact value "mailto:a b\@spaced\.example" is invalid: not a URI/ ],
    [ 'badlang.example', qr/host "badlang\.example" not served: Preferred-Languages value "en_US" is invalid: not a well-formed language tag/ ],
    [ 'csaf.example', qr/host "csaf\.example" not served: CSAF value "https:\/\/csaf\.example\/csaf\.json" is invalid: a CSAF value must be the URI of a file named "provider-metadata\.json"/ ],
    [ 'inject.example', qr/host "inject\.example" not served: extension field value "x\\x0aContact: mailto:attacker\@evil\.example" is invalid: the value holds a line break/ ],
    [ 'empty.example', qr/host "empty\.example" not served: no Contact field: RFC 9116 section 2\.5\.3 requires one or more/ ],
);

for my $case (@bad) {
    my ($host, $re) = @$case;
    my $r = get($host);
    is($r->{status}, 500, "$host: a file breaking a MUST is not served");
    unlike($r->{body}, qr/^(Contact|Expires):/m, "$host: no field leaks out");
    like($t->new_log, qr/\[error\].*$re/, "$host: the error log names host and rule");
}

is(get('alpha.example')->{status}, 200, 'other tenants are not affected');

$t->stop;

done_testing;
