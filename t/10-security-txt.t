#!/usr/bin/perl

# security.txt served from nginx.conf: the paths, methods, headers,
# conditional requests, field order, https redirects, and servers the
# module leaves alone.

use strict;
use warnings;

use FindBin;
use lib "$FindBin::Bin/lib";

use Test::More;
use SCTest;
use RFC9116;

my $t = SCTest->new;
my ($cert, $key) = $t->make_cert('secure.example');

$t->run(<<'EOF');
    server {
        listen 127.0.0.1:%%PORT_0%%;
        server_name plain.example;

        security_txt on;
        security_txt_https_only off;
        security_txt_comment "Report security issues to the addresses below.";
        security_txt_contact mailto:security@plain.example;
        security_txt_contact https://plain.example/contact tel:+81-3-0000-0000;
        security_txt_expires 30d renew=1h;
        security_txt_encryption https://plain.example/pgp-key.txt;
        security_txt_acknowledgments https://plain.example/thanks;
        security_txt_policy https://plain.example/policy;
        security_txt_hiring https://plain.example/jobs;
        security_txt_csaf https://plain.example/.well-known/csaf/provider-metadata.json;
        security_txt_preferred_languages ja en;
        security_txt_field Bug-Bounty True;
        security_txt_comment "Thank you.";

        # a tenant cannot take the paths over
        location = /.well-known/security.txt { return 200 "tenant\n"; }
        location / { return 200 "site\n"; }
    }

    server {
        listen 127.0.0.1:%%PORT_1%% ssl;
        listen 127.0.0.1:%%PORT_2%%;
        server_name secure.example;
        ssl_certificate %%DIR%%/cert.pem;
        ssl_certificate_key %%DIR%%/cert.key;

        security_txt on;
        security_txt_contact mailto:security@secure.example;
        security_txt_canonical https://secure.example/.well-known/security.txt;
    }

    server {
        listen 127.0.0.1:%%PORT_3%%;
        server_name off.example;

        location / { return 200 "site $uri\n"; }
    }

    server {
        listen 127.0.0.1:%%PORT_4%%;
        server_name rewritten.example;

        security_txt on;
        security_txt_https_only off;
        security_txt_contact mailto:security@rewritten.example;
        return 403;
    }
EOF

my $now = time;

# --- the file and its headers

my $r = $t->http('/.well-known/security.txt', host => 'plain.example');
is($r->{status}, 200, 'GET security.txt: 200');
is($r->{headers}{'content-type'}, 'text/plain; charset=utf-8',
   'Content-Type text/plain; charset=utf-8');
is($r->{headers}{'content-length'}, length $r->{body}, 'Content-Length');
like($r->{headers}{etag}, qr/^"[0-9a-f]{32}"$/, 'a strong ETag');

my $chk = RFC9116::is_valid($r->{body}, now => $now, host => 'plain.example',
                            name => 'the file passes the RFC 9116 checker');

my @lines = split /\n/, $r->{body};
my @names = map { /^([^:#]+):/ ? $1 : '#' } @lines;
is_deeply(\@names, ['#', '#', qw(Contact Contact Contact Expires Encryption
                       Acknowledgments Preferred-Languages Canonical Policy
                       Hiring CSAF Bug-Bounty)],
          'fields in the documented order, comments first');
is($lines[0], '# Report security issues to the addresses below.',
   'comment line');
is_deeply($chk->{fields}{contact},
          ['mailto:security@plain.example', 'https://plain.example/contact',
           'tel:+81-3-0000-0000'], 'Contacts in preference order');
is_deeply($chk->{fields}{'preferred-languages'}, ['ja, en'],
          'Preferred-Languages joined with ", "');
is_deeply($chk->{fields}{canonical},
          ['https://plain.example/.well-known/security.txt'],
          'Canonical auto is https://$host/.well-known/security.txt');
unlike($r->{body}, qr/\r/, 'lines end in LF only');
like($r->{body}, qr/\n\z/, 'the last line ends in LF');
unlike($r->{body}, qr/^\xEF\xBB\xBF/, 'no BOM');
like($r->{body}, qr/^Acknowledgments: /m, 'Acknowledgments spelled as RFC 9116');

# Expires = boundary + window, the boundary being the hour (renew=1h)
my $boundary = int($now / 3600) * 3600;
my ($exp) = $r->{body} =~ /^Expires: (.*)$/m;
like($exp, qr/^\d{4}-\d\d-\d\dT\d\d:00:00Z$/, 'Expires is RFC 3339 with Z');
my $exp_epoch = RFC9116::parse_date_time($exp);
ok(grep({ $exp_epoch == $_ + 30 * 86400 } $boundary, $boundary + 3600),
   'Expires = renewal boundary + window');

# the file changed last at the boundary, or when nginx loaded its
# configuration if that was later
my $lm = $r->{headers}{'last-modified'};
my $lm_epoch = SCTest::http_date($lm);
ok(defined $lm_epoch && ($lm_epoch == $boundary
                         || ($lm_epoch > $boundary && $lm_epoch <= $now)),
   'Last-Modified is the renewal boundary or the configuration load')
    or diag($lm);

my ($maxage) = ($r->{headers}{'cache-control'} // '') =~ /max-age=(\d+)/;
ok(defined $maxage && $maxage >= 0 && $maxage <= 3600
   && time + $maxage <= $boundary + 7200,
   'Cache-Control max-age ends no later than the next boundary')
    or diag($r->{headers}{'cache-control'});

# --- conditional requests

my $etag = $r->{headers}{etag};
my $c = $t->http('/.well-known/security.txt', host => 'plain.example',
                 headers => ['If-None-Match' => $etag]);
is($c->{status}, 304, 'If-None-Match with the ETag: 304');
is($c->{body}, '', '304 has no body');

$c = $t->http('/.well-known/security.txt', host => 'plain.example',
              headers => ['If-None-Match' => '"0000"']);
is($c->{status}, 200, 'If-None-Match with another ETag: 200');

$c = $t->http('/.well-known/security.txt', host => 'plain.example',
              headers => ['If-Modified-Since' => $lm]);
is($c->{status}, 304, 'If-Modified-Since the boundary: 304');

# --- methods

$c = $t->http('/.well-known/security.txt', host => 'plain.example',
              method => 'HEAD');
is($c->{status}, 200, 'HEAD: 200');
is($c->{headers}{'content-length'}, length $r->{body},
   'HEAD: Content-Length of the file');
is($c->{body}, '', 'HEAD: no body');

for my $m (qw(POST PUT DELETE OPTIONS)) {
    $c = $t->http('/.well-known/security.txt', host => 'plain.example',
                  method => $m, body => 'x=1');
    is($c->{status}, 405, "$m: 405");
    is($c->{headers}{allow}, 'GET, HEAD', "$m: Allow: GET, HEAD");
}

# --- /security.txt and the tenant's own locations

$c = $t->http('/security.txt', host => 'plain.example');
is($c->{status}, 301, '/security.txt: 301');
like($c->{headers}{location}, qr{^http://plain\.example(:\d+)?/\.well-known/security\.txt$},
     '/security.txt redirects to /.well-known/security.txt');

$c = $t->http('/.well-known/security.txt?x=1', host => 'plain.example');
is($c->{body}, $r->{body}, 'a query string does not change the file');

$c = $t->http('/other', host => 'plain.example');
is($c->{body}, "site\n", 'other paths reach the tenant\'s locations');

$c = $t->http('/.well-known/security.txt', host => 'rewritten.example',
              port => $t->port(4));
is($c->{status}, 200, 'a server-level "return 403" does not take the path');
RFC9116::is_valid($c->{body}, now => $now, host => 'rewritten.example',
                  name => 'rewritten server file valid');
is($t->http('/x', host => 'rewritten.example', port => $t->port(4))->{status},
   403, 'the server-level return still applies elsewhere');

# --- https

$c = $t->http('/.well-known/security.txt', host => 'secure.example',
              port => $t->port(2));
is($c->{status}, 301, 'plain http with https_only: 301');
is($c->{headers}{location},
   'https://secure.example/.well-known/security.txt',
   'redirect to the https URL');

$c = $t->http('/security.txt', host => 'secure.example', port => $t->port(2));
is($c->{headers}{location},
   'https://secure.example/.well-known/security.txt',
   '/security.txt over http goes straight to https');

$c = $t->https('/.well-known/security.txt', host => 'secure.example',
               port => $t->port(1));
is($c->{status}, 200, 'https: 200');
RFC9116::is_valid($c->{body}, now => $now, host => 'secure.example',
                  name => 'https file valid');
unlike($c->{body}, qr/^(Encryption|Policy|Hiring|CSAF):/m,
       'servers do not inherit a sibling\'s fields');

$c = $t->https('/security.txt', host => 'secure.example',
               port => $t->port(1));
is($c->{status}, 301, 'https /security.txt: 301');
like($c->{headers}{location},
     qr{^https://secure\.example(:\d+)?/\.well-known/security\.txt$},
     'https /security.txt redirect stays on https');

# --- Host values that must not end up in the file

$c = $t->http('/.well-known/security.txt', host => 'x@evil.example');
is($c->{status}, 200, 'a Host with "@": still served');
like($c->{body}, qr{^Canonical: https://plain\.example/\.well-known/security\.txt$}m,
     'but Canonical names the server, not the client\'s Host');

$c = $t->http('/.well-known/security.txt', host => 'a"b');
is($c->{status}, 200, 'a Host with a quote: served with the server name');

$c = $t->raw("GET /.well-known/security.txt HTTP/1.0\r\n\r\n");
is($c->{status}, 200, 'HTTP/1.0 without Host: served');
RFC9116::is_valid($c->{body}, now => $now, name => 'and valid');

$c = $t->raw("GET /.well-known/security.txt HTTP/1.0\r\n\r\n",
             port => $t->port(2));
is($c->{status}, 301, 'no Host over http: redirected');
is($c->{headers}{location}, 'https://secure.example/.well-known/security.txt',
   'to the server name');

# a broken body on a redirected path is the client's error, not ours: the
# special response discards it as nginx's own "return 301" does
$c = $t->raw("GET /security.txt HTTP/1.1\r\nHost: plain.example\r\n"
             . "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
             . "zz\r\n");
like($c->{status}, qr/^(301|400)$/,
     'a bad chunked body: the redirect or 400, never a 500');

# --- a server without security_txt on is untouched

$c = $t->http('/.well-known/security.txt', host => 'off.example',
              port => $t->port(3));
is($c->{body}, "site /.well-known/security.txt\n",
   'security_txt off: the request goes to the site');
$c = $t->http('/security.txt', host => 'off.example', port => $t->port(3));
is($c->{body}, "site /security.txt\n", 'security_txt off: no redirect');

$t->stop;

done_testing;
