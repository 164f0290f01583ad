// Fills in and sends the security contact window's report form in a real
// browser (Debian's Chromium, driven by playwright-core), as a person would.
//
//   node t/browser/submit.mjs URL [SCREENSHOT_DIR]
//
// URL is the report page.  Prints one JSON line on stdout:
//   {"receipt_id", "receipt", "title", "attachment_sha256", "page_lang",
//    "ja_ok", "fields", "attachment"}
// With SCREENSHOT_DIR, saves report-form.png (the filled form, full page)
// and report-receipt.png there.  Exits non-zero with a message on failure.
// Driven by t/40-browser.t; install with: npm ci --prefix t/browser

import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync, readFileSync, mkdirSync }
    from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { chromium } from 'playwright-core';

const CHROMIUM = process.env.SC_CHROMIUM || '/usr/bin/chromium';
const TIMEOUT = 20000;

// The English labels of the form's fields (a part of each label's text).
// Every control of the form, the hidden ones and the honeypot aside, must
// be found by its label.
const LABELS = {
    title: 'Title',
    target_url: 'Affected URL',
    vulnerability_type: 'Type of vulnerability',
    description: 'Description',
    steps_to_reproduce: 'Steps to reproduce',
    impact: 'Impact',
    severity: 'Severity',
    cvss_vector: 'CVSS vector',
    attachments: 'Attachments',
    reporter_name: 'Your name or handle',
    reporter_email: 'Your email address',
    reporter_pgp_key: 'Your OpenPGP key or fingerprint',
    share_contact: 'We may share your contact details',
    credit: 'Credit me publicly',
    disclosure_plan: 'Your disclosure plans and dates',
    already_reported_to: 'Already reported to',
};

const JA_HEADING = 'セキュリティ問い合わせ窓口';

class Failure extends Error {}

function check(cond, msg) {
    if (!cond) {
        throw new Failure(msg);
    }
}

// A small, valid PNG: 48x32 RGB, a stripe pattern.
function makePng() {
    const crcTable = [];
    for (let n = 0; n < 256; n++) {
        let c = n;
        for (let k = 0; k < 8; k++) {
            c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
        }
        crcTable[n] = c >>> 0;
    }
    const crc32 = (buf) => {
        let c = 0xffffffff;
        for (const b of buf) {
            c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
        }
        return (c ^ 0xffffffff) >>> 0;
    };
    const chunk = (type, data) => {
        const len = Buffer.alloc(4);
        len.writeUInt32BE(data.length);
        const td = Buffer.concat([Buffer.from(type, 'latin1'), data]);
        const crc = Buffer.alloc(4);
        crc.writeUInt32BE(crc32(td));
        return Buffer.concat([len, td, crc]);
    };

    const w = 48, h = 32;
    const ihdr = Buffer.alloc(13);
    ihdr.writeUInt32BE(w, 0);
    ihdr.writeUInt32BE(h, 4);
    ihdr[8] = 8;    // bit depth
    ihdr[9] = 2;    // RGB
    const raw = Buffer.alloc((w * 3 + 1) * h);
    for (let y = 0; y < h; y++) {
        const row = y * (w * 3 + 1);
        raw[row] = 0;   // filter: none
        for (let x = 0; x < w; x++) {
            const stripe = ((x + y) >> 3) & 1;
            raw[row + 1 + x * 3] = stripe ? 0xd0 : 0xff;
            raw[row + 2 + x * 3] = stripe ? 0x30 : 0xff;
            raw[row + 3 + x * 3] = stripe ? 0x30 : 0xff;
        }
    }

    return Buffer.concat([
        Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
        chunk('IHDR', ihdr),
        chunk('IDAT', deflateSync(raw)),
        chunk('IEND', Buffer.alloc(0)),
    ]);
}

async function main() {
    const [url, shots] = process.argv.slice(2);
    check(url && /^https?:\/\//.test(url),
          'usage: node submit.mjs URL [SCREENSHOT_DIR]');

    if (shots) {
        mkdirSync(shots, { recursive: true });
    }

    const work = mkdtempSync(join(tmpdir(), 'sc-browser-'));
    const profile = join(work, 'profile');
    mkdirSync(profile);

    const png = makePng();
    const pngPath = join(work, 'xss-alert.png');
    writeFileSync(pngPath, png);
    const attachment = {
        filename: 'xss-alert.png',
        size: png.length,
        sha256: createHash('sha256').update(readFileSync(pngPath))
                    .digest('hex'),
    };

    let context;

    try {
        context = await chromium.launchPersistentContext(profile, {
            executablePath: CHROMIUM,
            headless: true,
            args: [
                '--no-sandbox',
                '--disable-gpu',
                '--disable-quic',
                '--no-first-run',
                '--disable-background-networking',
                '--disable-component-update',
                '--disable-sync',
            ],
            viewport: { width: 1000, height: 800 },
            locale: 'en-US',
            timeout: TIMEOUT,
        });
        context.setDefaultTimeout(TIMEOUT);

        const page = context.pages()[0] ?? await context.newPage();
        const pageErrors = [];
        page.on('pageerror', (e) => pageErrors.push(String(e)));

        // --- the Japanese page

        const jaUrl = new URL(url);
        jaUrl.searchParams.set('lang', 'ja');
        let resp = await page.goto(jaUrl.href);
        check(resp && resp.status() === 200,
              `GET ${jaUrl.href}: status ${resp && resp.status()}`);
        const jaLang = await page.locator('html').getAttribute('lang');
        const jaH1 = await page.locator('h1').first().textContent();
        const jaOk = jaLang === 'ja' && jaH1.includes(JA_HEADING);

        // --- the English page, as a browser asking for English gets it

        resp = await page.goto(url);
        check(resp && resp.status() === 200,
              `GET ${url}: status ${resp && resp.status()}`);
        const pageLang = await page.locator('html').getAttribute('lang');

        // every field has a label that finds it, and no field lacks one
        const form = page.locator('form');
        check(await form.count() === 1, 'the page has one form');

        const named = await form.locator('input, select, textarea')
            .evaluateAll((els) => els
                .filter((e) => e.type !== 'hidden' && e.name !== 'leave_empty')
                .map((e) => e.name));
        for (const name of named) {
            check(name in LABELS, `field ${name} is not known to this test`);
        }

        const fields = {};
        for (const [name, label] of Object.entries(LABELS)) {
            const loc = page.getByLabel(label);
            const n = await loc.count();
            check(n === 1, `label "${label}" finds ${n} fields, not 1`);
            const got = await loc.getAttribute('name');
            check(got === name,
                  `label "${label}" is for field ${got}, not ${name}`);
            fields[name] = loc;
        }

        // --- fill it in

        const origin = new URL(url).origin;
        const values = {
            title: 'Stored XSS in the product review form',
            target_url: `${origin}/products/42/reviews`,
            vulnerability_type: 'CWE-79 Stored cross-site scripting',
            description:
                'The review text is rendered on the product page without '
                + 'HTML escaping.\nAny visitor who opens the page runs the '
                + 'script that the reviewer wrote.',
            steps_to_reproduce:
                '1. Log in as any user.\n'
                + '2. Post a review with the text <img src=x onerror=alert(1)>.\n'
                + '3. Open /products/42 in another browser: the alert shows.',
            impact:
                '商品ページを開いた利用者のブラウザで任意のスクリプトが'
                + '実行され、セッションの乗っ取りや個人情報の窃取につながる'
                + 'おそれがあります。',
            severity: 'high',
            cvss_vector: 'CVSS:3.1/AV:N/AC:L/PR:L/UI:R/S:C/C:H/I:L/A:N',
            reporter_name: 'Hanako Yamada',
            reporter_email: 'hanako.yamada@example.net',
            // a fingerprint as GnuPG prints it
            reporter_pgp_key:
                '3F4A 9C21 7D0E 55B8 1A6C  2E90 B7D4 0C13 8F62 E5A1',
            disclosure_plan:
                'I plan to publish a write-up 90 days after this report, '
                + 'or earlier once a fix is released.',
            already_reported_to: 'IPA (IPA#90123456)',
        };

        for (const [name, value] of Object.entries(values)) {
            if (name === 'severity') {
                await fields.severity.selectOption(value);
            } else {
                await fields[name].fill(value);
            }
        }
        await fields.share_contact.check();
        await fields.credit.check();
        await fields.attachments.setInputFiles(pngPath);

        check(await page.locator('#leave_empty').inputValue() === '',
              'the honeypot field is empty');

        // what the browser sends: read back from the form
        for (const [name, value] of Object.entries(values)) {
            const got = await fields[name].inputValue();
            check(got === value, `field ${name} holds what was typed`);
        }
        check(await fields.share_contact.isChecked(), 'share_contact checked');
        check(await fields.credit.isChecked(), 'credit checked');

        if (shots) {
            await page.screenshot({ path: join(shots, 'report-form.png'),
                                    fullPage: true });
        }

        // the form token is accepted 2 seconds after the page was served
        await page.waitForTimeout(2500);

        const submitted = page.waitForResponse(
            (r) => r.request().method() === 'POST'
                   && r.request().resourceType() === 'document');
        await page.getByRole('button', { name: 'Send the report' }).click();
        resp = await submitted;
        await page.waitForLoadState('load');

        if (resp.status() !== 201) {
            const errors = await page.locator('#errors').textContent()
                .catch(() => '');
            throw new Failure(`POST ${resp.url()}: status ${resp.status()}`
                              + (errors ? `: ${errors.trim()}` : ''));
        }

        const receiptId = (await page.locator('#receipt-id').textContent())
            .trim();
        const receipt = await page.locator('#receipt').textContent();

        if (shots) {
            await page.screenshot({ path: join(shots, 'report-receipt.png'),
                                    fullPage: true });
        }

        check(pageErrors.length === 0,
              `errors in the page: ${pageErrors.join('; ')}`);

        process.stdout.write(JSON.stringify({
            receipt_id: receiptId,
            receipt,
            title: values.title,
            attachment_sha256: attachment.sha256,
            page_lang: pageLang,
            ja_ok: jaOk,
            fields: { ...values, share_contact: true, credit: true },
            attachment,
        }) + '\n');
    } finally {
        if (context) {
            await context.close().catch(() => {});
        }
        rmSync(work, { recursive: true, force: true });
    }
}

main().then(
    () => process.exit(0),
    (e) => {
        const msg = e instanceof Failure ? e.message : (e && e.stack) || e;
        process.stderr.write(`submit.mjs: ${msg}\n`);
        process.exit(1);
    },
);
