/*
 * Copyright (C) nginx-security-contact developers
 *
 * The built-in pages of the contact window, in English and Japanese.
 *
 * Placeholders, also available to a security_report_page template:
 *   {{name}}                 the value, HTML-escaped
 *   {{#name}} ... {{/name}}  the part between, only if the value is set
 *   {{^name}} ... {{/name}}  the part between, only if it is not
 * Names: lang, site, action, token, policy_url, acknowledgments_url,
 * key_url, security_txt_url, languages, contact, max_size, receipt_id,
 * received, sha256, receipt, errors (a list of "field: message" lines).
 */

#ifndef _NGX_HTTP_SECURITY_REPORT_PAGE_H_INCLUDED_
#define _NGX_HTTP_SECURITY_REPORT_PAGE_H_INCLUDED_


#define NGX_HTTP_SECURITY_REPORT_STYLE                                        \
    "<style>"                                                                 \
    "body{font-family:system-ui,sans-serif;max-width:46rem;margin:2rem auto;" \
    "padding:0 1rem;line-height:1.5;color:#1b1b1b}"                           \
    "label{display:block;font-weight:600;margin-top:1rem}"                    \
    "input,select,textarea{width:100%;box-sizing:border-box;padding:.4rem;"   \
    "font:inherit}"                                                           \
    "input[type=checkbox]{width:auto}"                                        \
    "textarea{min-height:8rem}"                                               \
    ".hint{color:#555;font-size:.9rem;margin:0}"                              \
    ".trap{position:absolute;left:-10000px;width:1px;height:1px;"             \
    "overflow:hidden}"                                                        \
    "pre{white-space:pre-wrap;background:#f4f4f4;padding:1rem}"               \
    "button{margin-top:1.5rem;padding:.6rem 1.5rem;font:inherit}"             \
    "</style>"


static const char  ngx_http_security_report_page_en[] =
    "<!DOCTYPE html>\n"
    "<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
    "<title>Report a security vulnerability - {{site}}</title>\n"
    NGX_HTTP_SECURITY_REPORT_STYLE "\n"
    "</head>\n<body>\n"
    "<p lang=\"ja\"><a href=\"?lang=ja\">日本語</a></p>\n"
    "<h1>Report a security vulnerability in {{site}}</h1>\n"
    "<p>This is the security contact window of {{site}}. If you have found "
    "a vulnerability in this website, please tell us here.</p>\n"
    "<h2>What to report</h2>\n"
    "<ul><li>Vulnerabilities in this website: the URL, what the problem is, "
    "and how to reproduce it.</li>\n"
    "<li>Please do not access, change or delete data that is not yours, and "
    "stop testing as soon as you have confirmed the problem.</li>\n"
    "<li>This form is not for general questions or support requests.</li>"
    "</ul>\n"
    "<h2>How your report is handled</h2>\n"
    "<ul><li>Your report is stored securely and handled confidentially by "
    "the people responsible for this website.</li>\n"
    "<li>When you submit it, you get a receipt with a receipt ID, the time "
    "we received it and a SHA-256 digest of what you sent. Keep it: it "
    "proves what you reported and when.</li>\n"
    "<li>If you give a contact address, we will reply to confirm and to keep "
    "you informed of the fix. You may stay anonymous.</li></ul>\n"
    "{{#policy_url}}<p>Our vulnerability disclosure policy: "
    "<a href=\"{{policy_url}}\">{{policy_url}}</a></p>\n{{/policy_url}}"
    "{{#acknowledgments_url}}<p>Reporters we thank: "
    "<a href=\"{{acknowledgments_url}}\">{{acknowledgments_url}}</a></p>\n"
    "{{/acknowledgments_url}}"
    "{{#languages}}<p>Languages we read: {{languages}}</p>\n{{/languages}}"
    "{{#key_url}}<p>Our OpenPGP key (it signs security.txt and your "
    "receipt): <a href=\"{{key_url}}\">{{key_url}}</a></p>\n{{/key_url}}"
    "{{#security_txt_url}}<p>Machine-readable contact information: "
    "<a href=\"{{security_txt_url}}\">{{security_txt_url}}</a></p>\n"
    "{{/security_txt_url}}"
    "<h2>Report form</h2>\n"
    "<p class=\"hint\">Fields marked * are required. Up to {{max_size}} "
    "in all, attachments included.</p>\n"
    "<form method=\"post\" action=\"{{action}}\" "
    "enctype=\"multipart/form-data\" accept-charset=\"utf-8\">\n"
    "<input type=\"hidden\" name=\"form_token\" value=\"{{token}}\">\n"
    "<input type=\"hidden\" name=\"language\" value=\"en\">\n"
    "<div class=\"trap\" aria-hidden=\"true\"><label for=\"leave_empty\">Leave "
    "this field empty</label><input id=\"leave_empty\" name=\"leave_empty\" "
    "tabindex=\"-1\" autocomplete=\"off\"></div>\n"
    "<label for=\"title\">Title *</label>\n"
    "<input id=\"title\" name=\"title\" required maxlength=\"200\">\n"
    "<label for=\"target_url\">Affected URL *</label>\n"
    "<input id=\"target_url\" name=\"target_url\" type=\"url\" required "
    "placeholder=\"https://{{site}}/...\">\n"
    "<label for=\"vulnerability_type\">Type of vulnerability</label>\n"
    "<input id=\"vulnerability_type\" name=\"vulnerability_type\" "
    "placeholder=\"CWE-79, cross-site scripting, ...\">\n"
    "<label for=\"description\">Description *</label>\n"
    "<textarea id=\"description\" name=\"description\" required></textarea>\n"
    "<label for=\"steps_to_reproduce\">Steps to reproduce</label>\n"
    "<textarea id=\"steps_to_reproduce\" name=\"steps_to_reproduce\">"
    "</textarea>\n"
    "<label for=\"impact\">Impact</label>\n"
    "<textarea id=\"impact\" name=\"impact\"></textarea>\n"
    "<label for=\"severity\">Severity</label>\n"
    "<select id=\"severity\" name=\"severity\"><option value=\"\">"
    "(not rated)</option><option value=\"low\">Low</option>"
    "<option value=\"medium\">Medium</option><option value=\"high\">High"
    "</option><option value=\"critical\">Critical</option></select>\n"
    "<label for=\"cvss_vector\">CVSS vector</label>\n"
    "<input id=\"cvss_vector\" name=\"cvss_vector\" "
    "placeholder=\"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H\">\n"
    "<label for=\"attachments\">Attachments (screenshots, proof of "
    "concept)</label>\n"
    "<input id=\"attachments\" name=\"attachments\" type=\"file\" "
    "multiple>\n"
    "<label for=\"reporter_name\">Your name or handle</label>\n"
    "<input id=\"reporter_name\" name=\"reporter_name\">\n"
    "<label for=\"reporter_email\">Your email address</label>\n"
    "<input id=\"reporter_email\" name=\"reporter_email\" type=\"email\">\n"
    "<label for=\"reporter_pgp_key\">Your OpenPGP key or fingerprint "
    "(so we can reply encrypted)</label>\n"
    "<textarea id=\"reporter_pgp_key\" name=\"reporter_pgp_key\"></textarea>"
    "\n"
    "<label><input type=\"checkbox\" name=\"share_contact\" value=\"yes\"> "
    "We may share your contact details with the contractor who fixes the "
    "problem</label>\n"
    "<label><input type=\"checkbox\" name=\"credit\" value=\"yes\"> "
    "Credit me publicly once it is fixed</label>\n"
    "<label for=\"disclosure_plan\">Your disclosure plans and dates</label>\n"
    "<textarea id=\"disclosure_plan\" name=\"disclosure_plan\"></textarea>\n"
    "<label for=\"already_reported_to\">Already reported to (e.g. IPA, "
    "JPCERT/CC) and their tracking IDs</label>\n"
    "<input id=\"already_reported_to\" name=\"already_reported_to\">\n"
    "<button type=\"submit\">Send the report</button>\n"
    "</form>\n</body>\n</html>\n";


static const char  ngx_http_security_report_page_ja[] =
    "<!DOCTYPE html>\n"
    "<html lang=\"ja\">\n<head>\n<meta charset=\"utf-8\">\n"
    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
    "<title>脆弱性の報告 - {{site}}</title>\n"
    NGX_HTTP_SECURITY_REPORT_STYLE "\n"
    "</head>\n<body>\n"
    "<p lang=\"en\"><a href=\"?lang=en\">English</a></p>\n"
    "<h1>{{site}} のセキュリティ問い合わせ窓口</h1>\n"
    "<p>このページは {{site}} のセキュリティ問い合わせ窓口です。"
    "このウェブサイトの脆弱性を見つけた方は、こちらからお知らせください。"
    "</p>\n"
    "<h2>報告していただきたいこと</h2>\n"
    "<ul><li>このウェブサイトの脆弱性: 対象の URL、問題の内容、再現手順。"
    "</li>\n"
    "<li>ご自身のものでないデータの閲覧・変更・削除はせず、問題を確認できた"
    "時点で検証を止めてください。</li>\n"
    "<li>一般的なお問い合わせやサポートのご依頼は受け付けていません。</li>"
    "</ul>\n"
    "<h2>報告の取り扱い</h2>\n"
    "<ul><li>報告は安全に保存され、このウェブサイトの担当者が機密として"
    "取り扱います。</li>\n"
    "<li>送信すると、受付番号、受付日時、送信内容の SHA-256 ダイジェストを"
    "記した受付票が表示されます。何をいつ報告したかの証明になりますので、"
    "保存してください。</li>\n"
    "<li>連絡先をご記入いただいた場合は、受付の確認と修正の経過をお知らせ"
    "します。匿名でも報告できます。</li></ul>\n"
    "{{#policy_url}}<p>脆弱性開示ポリシー: "
    "<a href=\"{{policy_url}}\">{{policy_url}}</a></p>\n{{/policy_url}}"
    "{{#acknowledgments_url}}<p>謝辞: "
    "<a href=\"{{acknowledgments_url}}\">{{acknowledgments_url}}</a></p>\n"
    "{{/acknowledgments_url}}"
    "{{#languages}}<p>対応言語: {{languages}}</p>\n{{/languages}}"
    "{{#key_url}}<p>OpenPGP 公開鍵 (security.txt と受付票の署名に使用): "
    "<a href=\"{{key_url}}\">{{key_url}}</a></p>\n{{/key_url}}"
    "{{#security_txt_url}}<p>機械可読な連絡先情報: "
    "<a href=\"{{security_txt_url}}\">{{security_txt_url}}</a></p>\n"
    "{{/security_txt_url}}"
    "<h2>報告フォーム</h2>\n"
    "<p class=\"hint\">* は必須項目です。添付ファイルを含め {{max_size}} "
    "までです。</p>\n"
    "<form method=\"post\" action=\"{{action}}\" "
    "enctype=\"multipart/form-data\" accept-charset=\"utf-8\">\n"
    "<input type=\"hidden\" name=\"form_token\" value=\"{{token}}\">\n"
    "<input type=\"hidden\" name=\"language\" value=\"ja\">\n"
    "<div class=\"trap\" aria-hidden=\"true\"><label for=\"leave_empty\">"
    "この欄は空欄のままにしてください</label><input id=\"leave_empty\" "
    "name=\"leave_empty\" tabindex=\"-1\" autocomplete=\"off\"></div>\n"
    "<label for=\"title\">件名 *</label>\n"
    "<input id=\"title\" name=\"title\" required maxlength=\"200\">\n"
    "<label for=\"target_url\">対象の URL *</label>\n"
    "<input id=\"target_url\" name=\"target_url\" type=\"url\" required "
    "placeholder=\"https://{{site}}/...\">\n"
    "<label for=\"vulnerability_type\">脆弱性の種類</label>\n"
    "<input id=\"vulnerability_type\" name=\"vulnerability_type\" "
    "placeholder=\"CWE-79、クロスサイトスクリプティングなど\">\n"
    "<label for=\"description\">内容 *</label>\n"
    "<textarea id=\"description\" name=\"description\" required></textarea>\n"
    "<label for=\"steps_to_reproduce\">再現手順</label>\n"
    "<textarea id=\"steps_to_reproduce\" name=\"steps_to_reproduce\">"
    "</textarea>\n"
    "<label for=\"impact\">影響</label>\n"
    "<textarea id=\"impact\" name=\"impact\"></textarea>\n"
    "<label for=\"severity\">深刻度</label>\n"
    "<select id=\"severity\" name=\"severity\"><option value=\"\">"
    "(未評価)</option><option value=\"low\">低</option>"
    "<option value=\"medium\">中</option><option value=\"high\">高"
    "</option><option value=\"critical\">緊急</option></select>\n"
    "<label for=\"cvss_vector\">CVSS ベクトル</label>\n"
    "<input id=\"cvss_vector\" name=\"cvss_vector\" "
    "placeholder=\"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H\">\n"
    "<label for=\"attachments\">添付ファイル (画面写真、検証コードなど)"
    "</label>\n"
    "<input id=\"attachments\" name=\"attachments\" type=\"file\" "
    "multiple>\n"
    "<label for=\"reporter_name\">お名前またはハンドル名</label>\n"
    "<input id=\"reporter_name\" name=\"reporter_name\">\n"
    "<label for=\"reporter_email\">メールアドレス</label>\n"
    "<input id=\"reporter_email\" name=\"reporter_email\" type=\"email\">\n"
    "<label for=\"reporter_pgp_key\">OpenPGP 公開鍵またはフィンガープリント"
    " (暗号化して返信するため)</label>\n"
    "<textarea id=\"reporter_pgp_key\" name=\"reporter_pgp_key\"></textarea>"
    "\n"
    "<label><input type=\"checkbox\" name=\"share_contact\" value=\"yes\"> "
    "修正を担当する委託先に連絡先を伝えてもよい</label>\n"
    "<label><input type=\"checkbox\" name=\"credit\" value=\"yes\"> "
    "修正後、報告者として名前を公表してよい</label>\n"
    "<label for=\"disclosure_plan\">公表の予定と日付</label>\n"
    "<textarea id=\"disclosure_plan\" name=\"disclosure_plan\"></textarea>\n"
    "<label for=\"already_reported_to\">報告済みの機関 (IPA、JPCERT/CC "
    "など) と受付番号</label>\n"
    "<input id=\"already_reported_to\" name=\"already_reported_to\">\n"
    "<button type=\"submit\">報告を送信する</button>\n"
    "</form>\n</body>\n</html>\n";


static const char  ngx_http_security_report_receipt_en[] =
    "<!DOCTYPE html>\n"
    "<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
    "<title>Report received - {{site}}</title>\n"
    NGX_HTTP_SECURITY_REPORT_STYLE "\n"
    "</head>\n<body>\n"
    "<h1>Your report has been received</h1>\n"
    "<p>Receipt ID: <strong id=\"receipt-id\">{{receipt_id}}</strong></p>\n"
    "<p>Received: {{received}}</p>\n"
    "<p>SHA-256 of your submission: <code>{{sha256}}</code></p>\n"
    "<p>Keep this receipt. It proves what you reported and when"
    "{{#key_url}}; it is signed with our OpenPGP key "
    "(<a href=\"{{key_url}}\">{{key_url}}</a>){{/key_url}}. "
    "Quote the receipt ID when you contact us about this report.</p>\n"
    "<pre id=\"receipt\">{{receipt}}</pre>\n"
    "</body>\n</html>\n";


static const char  ngx_http_security_report_receipt_ja[] =
    "<!DOCTYPE html>\n"
    "<html lang=\"ja\">\n<head>\n<meta charset=\"utf-8\">\n"
    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
    "<title>報告を受け付けました - {{site}}</title>\n"
    NGX_HTTP_SECURITY_REPORT_STYLE "\n"
    "</head>\n<body>\n"
    "<h1>報告を受け付けました</h1>\n"
    "<p>受付番号: <strong id=\"receipt-id\">{{receipt_id}}</strong></p>\n"
    "<p>受付日時: {{received}}</p>\n"
    "<p>送信内容の SHA-256: <code>{{sha256}}</code></p>\n"
    "<p>この受付票を保存してください。何をいつ報告したかの証明になります"
    "{{#key_url}} (当方の OpenPGP 鍵 <a href=\"{{key_url}}\">{{key_url}}</a>"
    " で署名しています){{/key_url}}。"
    "この報告についてご連絡いただく際は受付番号をお知らせください。</p>\n"
    "<pre id=\"receipt\">{{receipt}}</pre>\n"
    "</body>\n</html>\n";


static const char  ngx_http_security_report_errors_en[] =
    "<!DOCTYPE html>\n"
    "<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
    "<title>The report was not accepted - {{site}}</title>\n"
    NGX_HTTP_SECURITY_REPORT_STYLE "\n"
    "</head>\n<body>\n"
    "<h1>The report was not accepted</h1>\n"
    "<p>Nothing was stored. Please go back, correct the following and send "
    "it again:</p>\n"
    "<pre id=\"errors\">{{errors}}</pre>\n"
    "</body>\n</html>\n";


static const char  ngx_http_security_report_errors_ja[] =
    "<!DOCTYPE html>\n"
    "<html lang=\"ja\">\n<head>\n<meta charset=\"utf-8\">\n"
    "<title>報告を受け付けられませんでした - {{site}}</title>\n"
    NGX_HTTP_SECURITY_REPORT_STYLE "\n"
    "</head>\n<body>\n"
    "<h1>報告を受け付けられませんでした</h1>\n"
    "<p>何も保存されていません。前のページに戻り、次の点を直してから再度"
    "送信してください:</p>\n"
    "<pre id=\"errors\">{{errors}}</pre>\n"
    "</body>\n</html>\n";


#endif /* _NGX_HTTP_SECURITY_REPORT_PAGE_H_INCLUDED_ */
