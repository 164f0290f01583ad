#!/usr/bin/perl

# The report endpoint: the contact window page, intake in the three
# encodings, the spool record, the signed receipt, and every bad input
# answered with its status and message, leaving nothing in the spool.

use strict;
use warnings;

use FindBin;
use lib "$FindBin::Bin/lib";

use Test::More;
use JSON::PP;
use Encode ();
use MIME::Base64;
use Digest::SHA qw(sha256_hex);
use Time::HiRes qw(sleep);
use SCTest;
use SCPGP;

my $g = SCPGP->new;
my $fpr = $g->gen_key('Report Site <security@report.example>',
                      algo => 'ed25519', usage => 'sign');

my $t = SCTest->new;
$t->write_file('key.asc', $g->export_secret($fpr, armor => 1), 0600);

$t->run(<<'EOF');
    security_report_queue main spool=%%DIR%%/spool;

    server {
        listen 127.0.0.1:%%PORT_0%%;
        server_name report.example;

        security_txt on;
        security_txt_https_only off;
        security_txt_contact mailto:security@report.example;
        security_txt_policy https://report.example/policy;
        security_txt_preferred_languages ja en;
        security_txt_signing_key %%DIR%%/key.asc;
        security_txt_key_uri /.well-known/security-key.asc;

        location = /report {
            security_report;
            security_report_max_size 64k;
            security_report_token_age 2s 5s;
            security_report_scope "^https://(www\.)?report\.example/";
            security_report_reject "(?i)\b(viagra|casino)\b";
        }
    }
EOF

my $json = JSON::PP->new->canonical;
my $spool = $t->dir . '/spool';

sub spool_files {
    my ($dir) = @_;
    opendir my $dh, "$spool/$dir" or return ();
    my @files = sort grep { !/^\./ } readdir $dh;
    return @files;
}

sub post {
    my ($body, $type, %o) = @_;
    return $t->http('/report', host => 'report.example', method => 'POST',
                    body => $body,
                    headers => [ 'Content-Type' => $type,
                                 @{$o{headers} // []} ]);
}

my $cert = $t->http('/.well-known/security-key.asc',
                    host => 'report.example')->{body};

# --- the page

my $page = $t->http('/report', host => 'report.example');
is($page->{status}, 200, 'GET the contact window: 200');
is($page->{headers}{'content-type'}, 'text/html; charset=utf-8', 'HTML');
my $csp = $page->{headers}{'content-security-policy'} // '';
like($csp, qr/default-src 'none'/, 'CSP allows nothing by default');
unlike($csp, qr/https?:|\*/, 'CSP names no other origin');
like($csp, qr/form-action 'self'/, 'the form may only post here');
is($page->{headers}{'cache-control'}, 'no-store', 'not cached');
unlike($page->{body}, qr/<script/i, 'no script: works without JavaScript');

for my $f (qw(title target_url vulnerability_type description
              steps_to_reproduce impact severity cvss_vector reporter_name
              reporter_email reporter_pgp_key disclosure_plan
              already_reported_to attachments)) {
    like($page->{body}, qr/<label for="$f">/, "label for $f");
    like($page->{body}, qr/id="$f" name="$f"/, "field $f");
}
like($page->{body}, qr/name="share_contact"/, 'share_contact checkbox');
like($page->{body}, qr/name="credit"/, 'credit checkbox');
like($page->{body}, qr{href="https://report\.example/policy"},
     'links the policy from security.txt');
like($page->{body}, qr{href="/\.well-known/security-key\.asc"},
     'links the public key');
like($page->{body}, qr{href="/\.well-known/security\.txt"},
     'links security.txt');
like($page->{body}, qr/Languages we read: ja, en/,
     'the languages of security.txt');
like($page->{body}, qr/<html lang="en">/, 'English by default');

like($page->{body}, qr{<form method="post" action="\?lang=en"},
     'the form posts back in the page\'s language');

my ($token) = $page->{body} =~ /name="form_token" value="([^"]+)"/;
ok($token, 'the form carries a token');

my $ja = $t->http('/report?lang=ja', host => 'report.example');
like($ja->{body}, qr/<html lang="ja">/, '?lang=ja: Japanese');
like($ja->{body}, qr{action="\?lang=ja"}, 'posting back in Japanese');
like($ja->{body}, qr/セキュリティ問い合わせ窓口/, 'in Japanese');
$ja = $t->http('/report', host => 'report.example',
               headers => ['Accept-Language' => 'ja-JP,ja;q=0.9,en;q=0.8']);
like($ja->{body}, qr/<html lang="ja">/, 'Accept-Language: ja');
my $en = $t->http('/report', host => 'report.example',
                  headers => ['Accept-Language' => 'en-US,en;q=0.9,ja;q=0.5']);
like($en->{body}, qr/<html lang="en">/, 'Accept-Language: en first');

my $evil = $t->http('/report?x=%22%3E%3Cscript%3E', host => 'report.example');
unlike($evil->{body}, qr/<script>/, 'nothing from the request unescaped');

is($t->http('/report', host => 'report.example', method => 'PUT',
            body => 'x')->{status}, 405, 'PUT: 405');
is($t->http('/report', host => 'report.example', method => 'PUT',
            body => 'x')->{headers}{allow}, 'GET, HEAD, POST',
   'Allow: GET, HEAD, POST');

# --- JSON

my %report = (
    title => 'Reflected XSS in search',
    target_url => 'https://report.example/search?q=x',
    vulnerability_type => 'CWE-79',
    description => "The q parameter is echoed unescaped.\nSee steps.",
    steps_to_reproduce => "1. open /search?q=<script>\n2. see the alert",
    impact => 'Session theft',
    severity => 'high',
    disclosure_plan => '90 days',
    already_reported_to => 'IPA (IPA#2026-0001)',
    share_contact => JSON::PP::true,
    credit => JSON::PP::false,
    reporter => { name => 'Alice', email => 'alice@example.net' },
);

my $r = post($json->encode(\%report), 'application/json');
is($r->{status}, 201, 'JSON report: 201') or diag($r->{body});
my $receipt = eval { decode_json($r->{body}) } // {};
like($receipt->{id} // '', qr/^[0-9A-HJKMNP-TV-Z]{26}$/, 'a ULID receipt ID');
like($receipt->{received} // '', qr/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/,
     'the received time');
is($receipt->{site}, 'report.example', 'the site');
ok($receipt->{signed}, 'the receipt is signed');
unlike($r->{body}, qr/Reflected XSS|Alice/, 'no report content echoed');

my @new = spool_files('new');
is(scalar @new, 1, 'one file in new/');
is($new[0], $receipt->{id}, 'named by the receipt ID');
my $mode = (stat "$spool/new/$new[0]")[2] & 07777;
is(sprintf('%o', $mode), '600', 'mode 0600');
is(scalar(spool_files('tmp')), 0, 'nothing left in tmp/');

my $raw = $t->read_file("spool/new/$new[0]");
my $rec = decode_json($raw);
is($rec->{id}, $receipt->{id}, 'record: id');
is($rec->{site}, 'report.example', 'record: site');
is($rec->{client}, '127.0.0.1', 'record: client address');
ok(exists $rec->{user_agent}, 'record: user agent');
is($rec->{report}{title}, $report{title}, 'record: title as sent');
is($rec->{report}{description}, $report{description},
   'record: description as sent, line breaks kept');
is($rec->{report}{reporter_email}, 'alice@example.net',
   'record: nested reporter fields');
is($rec->{report}{share_contact}, JSON::PP::true, 'record: booleans');

my ($report_json) = $raw =~ /"report":(\{.*\})\}\n\z/s;
is(sha256_hex($report_json), $receipt->{sha256},
   'the receipt digest is the SHA-256 of the canonical submission');
is($rec->{sha256}, $receipt->{sha256}, 'and the record says the same');

my ($ok, $out) = SCPGP::verify_gpg($cert, $receipt->{receipt});
ok($ok, 'the receipt verifies with gpg against the served key')
    or diag($out);
like($receipt->{receipt}, qr/Receipt-ID: \Q$receipt->{id}\E/,
     'the signed receipt names the ID');
like($receipt->{receipt}, qr/Submission-SHA256: \Q$receipt->{sha256}\E/,
     'and the digest');

# --- the form encodings, with the token of a page just served

($token) = $t->http('/report', host => 'report.example')->{body}
    =~ /name="form_token" value="([^"]+)"/;
sleep 2.2;

my $form = join '&', map {
    my $v = $_->[1];
    $v =~ s/([^A-Za-z0-9_.~-])/sprintf('%%%02X', ord $1)/ge;
    "$_->[0]=$v";
} (['form_token', $token], ['leave_empty', ''],
   ['title', 'SQL injection in login'],
   ['target_url', 'https://www.report.example/login'],
   ['description', "The user field is concatenated into SQL.\r\nWorks."],
   ['severity', 'critical'], ['share_contact', 'yes'],
   ['reporter_name', '山田太郎'], ['language', 'ja']);

$r = post($form, 'application/x-www-form-urlencoded');
is($r->{status}, 201, 'urlencoded form: 201') or diag($r->{body});
like($r->{headers}{'content-type'}, qr{^text/html}, 'answered with a page');
my ($id2) = $r->{body} =~ /id="receipt-id">([0-9A-Z]{26})</;
ok($id2, 'the page shows the receipt ID');
like($r->{body}, qr/BEGIN PGP SIGNED MESSAGE/, 'and the signed receipt');
ok(-f "$spool/new/$id2", 'the report is in new/');
$rec = decode_json($t->read_file("spool/new/$id2"));
is($rec->{report}{reporter_name}, Encode::decode('UTF-8', '山田太郎'),
   'UTF-8 kept');
is($rec->{report}{description},
   "The user field is concatenated into SQL.\r\nWorks.", 'text as sent');

my $png = join '', map { chr(($_ * 7) % 256) } 0 .. 999;
my $mp = SCTest::multipart('XyZbOuNdArY',
    [form_token => $token], [leave_empty => ''],
    [title => 'Open redirect'],
    [target_url => 'https://report.example/go?to=x'],
    [description => 'Redirects anywhere.'],
    [attachments => { filename => 'C:\\shots\\poc.png',
                      type => 'image/png', data => $png }],
    [attachments => { filename => '', type => 'application/octet-stream',
                      data => '' }]);

$r = post($mp, 'multipart/form-data; boundary=XyZbOuNdArY',
          headers => [Accept => 'application/json']);
is($r->{status}, 201, 'multipart with an attachment: 201')
    or diag($r->{body});
my $id3 = eval { decode_json($r->{body})->{id} } // '';
$rec = eval { decode_json($t->read_file("spool/new/$id3")) } // {};
is($rec->{report}{title}, 'Open redirect', 'multipart: title');
my $att = $rec->{report}{attachments} // [];
is(scalar @$att, 1, 'one attachment (the empty file input is left out)');
is($att->[0]{filename}, 'poc.png', 'filename without its path');
is($att->[0]{content_type}, 'image/png', 'content type');
is($att->[0]{size}, 1000, 'size');
is($att->[0]{sha256}, sha256_hex($png), 'sha256 of the bytes');
is(decode_base64($att->[0]{data_base64} // ''), $png, 'the bytes, exact');

is(scalar(spool_files('new')), 3, 'three reports, three files');

# --- bad input: status, message, and nothing stored

my @bad = (
    [ 'invalid JSON', '{"title": "x",', 'application/json', 400,
      qr/"error":"invalid_json".*invalid JSON at byte/ ],
    [ 'JSON not an object', '[1,2]', 'application/json', 400,
      qr/"errors":/ ],
    [ 'missing required fields', '{"title":"only a title"}',
      'application/json', 400,
      qr/"field":"target_url","code":"required".*"field":"description","code":"required"/ ],
    [ 'target_url not http(s)',
      '{"title":"t","target_url":"ftp://report.example/","description":"d"}',
      'application/json', 400, qr/"field":"target_url","code":"invalid_url"/ ],
    [ 'bad severity',
      '{"title":"t","target_url":"https://report.example/","description":"d","severity":"apocalyptic"}',
      'application/json', 400, qr/"field":"severity","code":"invalid_severity"/ ],
    [ 'bad email',
      '{"title":"t","target_url":"https://report.example/","description":"d","reporter_email":"not-an-email"}',
      'application/json', 400, qr/"field":"reporter_email","code":"invalid_email"/ ],
    [ 'a field over its limit',
      '{"title":"' . ('x' x 300) . '","target_url":"https://report.example/","description":"d"}',
      'application/json', 400, qr/"field":"title","code":"too_long"/ ],
    [ 'invalid UTF-8', "{\"title\":\"\xff\xfe\",\"target_url\":\"https://report.example/\",\"description\":\"d\"}",
      'application/json', 400, qr/UTF-8/ ],
    [ 'unknown field',
      '{"title":"t","target_url":"https://report.example/","description":"d","bogus":1}',
      'application/json', 400, qr/"code":"unknown_field"/ ],
    [ 'wrong content type', 'hello', 'text/plain', 415,
      qr/"error":"unsupported_media_type"/ ],
    [ 'a charset other than UTF-8', '{}', 'application/json; charset=latin1',
      415, qr/unsupported_media_type/ ],
    [ 'a body over max size',
      '{"title":"t","target_url":"https://report.example/","description":"' . ('d' x 70000) . '"}',
      'application/json', 413, qr/"error":"too_large"/ ],
    [ 'out-of-scope target',
      '{"title":"t","target_url":"https://other.example/","description":"d"}',
      'application/json', 422, qr/"error":"out_of_scope"/ ],
    [ 'reject pattern',
      '{"title":"Cheap VIAGRA","target_url":"https://report.example/","description":"d"}',
      'application/json', 422, qr/"error":"rejected"/ ],
    [ 'multipart without boundary', "--x\r\n", 'multipart/form-data', 400,
      qr/boundary/ ],
    [ 'truncated multipart',
      "--B\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nabc",
      'multipart/form-data; boundary=B', 400, qr/invalid_multipart/ ],
    [ 'form without token', 'title=t&target_url=https%3A%2F%2Freport.example%2F&description=d',
      'application/x-www-form-urlencoded', 400,
      qr/invalid_token.*missing/ ],
    [ 'forged token', 'form_token=' . ('A' x 54) . '&title=t&target_url=https%3A%2F%2Freport.example%2F&description=d',
      'application/x-www-form-urlencoded', 400, qr/invalid_token.*not valid/ ],
    [ 'filled honeypot', "form_token=$token&leave_empty=http%3A%2F%2Fspam&title=t&target_url=https%3A%2F%2Freport.example%2F&description=d",
      'application/x-www-form-urlencoded', 422, qr/"error":"rejected"/ ],
    [ 'bad percent escape', "form_token=$token&title=%zz",
      'application/x-www-form-urlencoded', 400, qr/invalid_form/ ],
);

for my $case (@bad) {
    my ($name, $body, $type, $status, $re) = @$case;
    my $before = scalar spool_files('new');
    my $r = post($body, $type, headers => [Accept => 'application/json']);
    is($r->{status}, $status, "$name: $status");
    like($r->{raw}, qr{^HTTP/1\.1 422 Unprocessable Entity\r\n},
         "$name: with its reason phrase") if $status == 422;
    like($r->{body}, $re, "$name: the answer says what is wrong")
        or diag($r->{body});
    is(scalar(spool_files('new')), $before, "$name: nothing stored");
    is(scalar(spool_files('tmp')), 0, "$name: nothing left in tmp/");
}

# a form sent too soon after its page, and one sent too late
{
    my $p = $t->http('/report', host => 'report.example');
    my ($fresh) = $p->{body} =~ /name="form_token" value="([^"]+)"/;
    my $body = "form_token=$fresh&title=t&target_url=https%3A%2F%2Freport.example%2F&description=d";

    my $r = post($body, 'application/x-www-form-urlencoded',
                 headers => [Accept => 'application/json']);
    is($r->{status}, 400, 'a token used at once: 400');
    like($r->{body}, qr/too quickly/, 'says it came too quickly');

    sleep 7;
    $r = post($body, 'application/x-www-form-urlencoded',
              headers => [Accept => 'application/json']);
    is($r->{status}, 400, 'a stale token: 400');
    like($r->{body}, qr/expired/, 'says the page expired');

    $r = post($body, 'application/x-www-form-urlencoded');
    like($r->{headers}{'content-type'}, qr{^text/html},
         'a form post without Accept: JSON gets an error page');
    like($r->{body}, qr/id="errors">[^<]*expired/, 'saying what is wrong');
}

is(scalar(spool_files('new')), 3, 'still three reports');

$t->stop;

# --- configuration errors

for my $case (
    [ 'no queue', "location /r { security_report; }",
      qr/"security_report" needs "queue=NAME" when there is not exactly one "security_report_queue" \(there are 0\)/ ],
    [ 'unknown queue', "security_report_queue a spool=%%DIR%%/s; location /r { security_report queue=b; }",
      qr/names queue "b", but no "security_report_queue b" is defined/ ],
    [ 'unknown zone', "security_report_queue a spool=%%DIR%%/s; location /r { security_report zone=z; }",
      qr/names zone "z", but no "security_report_zone zone=z:SIZE" is defined/ ],
    [ 'bad rate', "security_report_zone zone=z:1m rate=10r/week;",
      qr/"security_report_zone" has an invalid rate "rate=10r\/week": write it as nginx writes rates/ ],
    [ 'zone without rate', "security_report_zone zone=z:1m;",
      qr/must have "rate=RATE"/ ],
    [ 'bad regex', "security_report_queue a spool=%%DIR%%/s; location /r { security_report; security_report_scope \"(\"; }",
      qr/"security_report_scope" regex "\(" is invalid/ ],
    [ 'queue without spool', "security_report_queue a;",
      qr/number of arguments|must have "spool=DIR"/ ],
    [ 'ca without https', "security_report_queue a spool=%%DIR%%/s backend=http://127.0.0.1:1/ ca=%%DIR%%/nginx.conf;",
      qr/"security_report_queue a" has "ca=" but no https backend/ ],
    [ 'bad ca file', "security_report_queue a spool=%%DIR%%/s backend=https://127.0.0.1:1/ ca=%%DIR%%/missing.pem;",
      qr/SSL_CTX_load_verify_locations\(".*missing\.pem"\) failed/ ],
    [ 'backend not http', "security_report_queue a spool=%%DIR%%/s backend=ftp://127.0.0.1:1/;",
      qr/backend "backend=ftp:\/\/127\.0\.0\.1:1\/" must be an http:\/\/ or https:\/\/ URL/ ],
    [ 'bad webhook secret', "security_report_queue a spool=%%DIR%%/s backend=http://127.0.0.1:1/ webhook_secret=%%DIR%%/nginx.conf;",
      qr/webhook secret file ".*nginx\.conf": / ],
    [ 'backend with a control character', "security_report_queue a spool=%%DIR%%/s \"backend=http://127.0.0.1:1/a\\r\\nX-Injected: 1\";",
      qr/backend "backend=http:\/\/127\.0\.0\.1:1\/a\r\nX-Injected: 1" has a space or a control character/ ],
    [ 'backend on a unix socket', "security_report_queue a spool=%%DIR%%/s backend=http://unix:/run/hooks.sock:/hooks;",
      qr/backend "backend=http:\/\/unix:\/run\/hooks\.sock:\/hooks": a unix socket is not supported/ ],
    [ 'two queues, one spool', "security_report_queue a spool=%%DIR%%/s; security_report_queue b spool=%%DIR%%/s/;",
      qr/"security_report_queue b" has the spool ".*\/s" of queue "a"/ ],
    [ 'too many queues with a backend',
      join(' ', map { "security_report_queue q$_ spool=%%DIR%%/q$_ backend=http://127.0.0.1:1/;" } 1 .. 65),
      qr/65 queues have "backend="; at most 64 may/ ],
    [ 'bad retry_max', "security_report_queue a spool=%%DIR%%/s retry_max=soon;",
      qr/has an invalid time "retry_max=soon"/ ],
    [ 'bad seal key', "security_report_queue a spool=%%DIR%%/s seal=%%DIR%%/nginx.conf;",
      qr/seal key file .* does not hold a 32-byte X25519 public key/ ],
    [ 'max size too small', "security_report_queue a spool=%%DIR%%/s; location /r { security_report; security_report_max_size 100; }",
      qr/"security_report_max_size" must be at least 1k/ ],
    [ 'bad token age', "security_report_queue a spool=%%DIR%%/s; location /r { security_report; security_report_token_age 1h 1s; }",
      qr/"security_report_token_age" values "1h 1s" are invalid/ ],
) {
    my ($name, $conf, $re) = @$case;
    my $t = SCTest->new;
    $t->write_conf(<<"EOF");
    server {
        listen 127.0.0.1:%%PORT_0%%;
        $conf
    }
EOF
    # http-level directives in a server block are refused by nginx itself;
    # put them where they belong
    my $c = $t->read_file('nginx.conf');
    1 while $c =~ s/(    server \{\n        listen [^\n]+\n)        (security_report_(?:queue|zone)[^;]*;)\s*/    $2\n$1        /;
    $t->write_file('nginx.conf', $c);
    my ($rc, $out) = $t->test_conf;
    isnt($rc, 0, "$name: nginx -t fails");
    like($out, qr/\[emerg\].*$re/, "$name: says what is wrong") or diag($out);
}

done_testing;
