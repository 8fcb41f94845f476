/**
 * AppStream MetaInfo (/usr/share/metainfo/<component id>.metainfo.xml, see metainfoPath): what software centres show for the package.
 * A desktop-application when the plan has a desktop entry (launchable = that entry), a console-application
 * otherwise (provides = the launchers in /usr/bin). Oracle: `appstreamcli validate --no-net`.
 *
 * Component id rule (AppStream wants reverse-DNS that the developer controls, and pkgme must not invent domains):
 *  1. from the homepage: `https://www.example.com/…` → `com.example.<package>`; project hosts follow AppStream's
 *     convention for them: `github.com/<user>/…` → `io.github.<user>.<package>`, `gitlab.com/<user>/…` →
 *     `io.gitlab.<user>.<package>`, `sourceforge.net/projects/<p>` → `net.sourceforge.<package>`;
 *  2. else from the maintainer's e-mail domain: `jane@example.org` → `org.example.<package>`;
 *  3. else `io.pkgme.<package>`.
 * Every part is lower-case ASCII letters, digits and `_` (a part starting with a digit gets a leading `_`), so the
 * id passes the validator's cid checks whatever the host or package name holds.
 */
import type { PackagePlan } from '../types.ts';
import { synopsis } from './control.ts';
import { isProprietary } from './licenses.ts';
import { blocks, holderName, oneLine } from './text.ts';

/** XML character data / attribute escaping; also drops characters XML 1.0 cannot hold at all. */
export function xmlEscape(s: string): string {
  return s
    .replace(/[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

function idPart(s: string): string {
  const p = s
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '_')
    .replace(/^_+|_+$/g, '');
  if (p === '') return '';
  return /^[0-9]/.test(p) ? `_${p}` : p;
}

function hostParts(host: string): string[] {
  return host
    .toLowerCase()
    .replace(/^www\./, '')
    .split('.')
    .filter((l) => l.length > 0)
    .reverse();
}

/**
 * A domain someone can own: it has a dot and is not under a TLD reserved for no one (RFC 2606/6761: `invalid`,
 * `test`, `localhost`, `example`, and `local` for mDNS). pkgme's default maintainer address is `…@pkgme.invalid`,
 * which must not become the id `invalid.pkgme.<package>`.
 */
function isPublicDomain(host: string): boolean {
  const labels = host.toLowerCase().split('.');
  return labels.length >= 2 && !['invalid', 'test', 'localhost', 'example', 'local'].includes(labels.pop()!);
}

/** The reverse-DNS prefix for the plan (without the final package part), following the rule above. */
function idPrefix(plan: Pick<PackagePlan, 'homepage' | 'maintainer'>): string[] {
  if (plan.homepage !== undefined && plan.homepage !== '') {
    try {
      const url = new URL(plan.homepage);
      const host = url.hostname.toLowerCase().replace(/^www\./, '');
      const user = url.pathname.split('/').filter((s) => s.length > 0)[0];
      if ((host === 'github.com' || host === 'gitlab.com') && user !== undefined) {
        return ['io', host.split('.')[0]!, user];
      }
      if (host === 'sourceforge.net') return ['net', 'sourceforge'];
      if (host.endsWith('.github.io') || host.endsWith('.gitlab.io')) return hostParts(host);
      if (/[a-z]/.test(host) && isPublicDomain(host)) return hostParts(host);
    } catch {
      // Not a URL: fall through to the maintainer's address.
    }
  }
  const email = /<[^@<>]+@([^<>]+)>/.exec(plan.maintainer);
  if (email !== null && isPublicDomain(email[1]!)) return hostParts(email[1]!);
  return ['io', 'pkgme'];
}

export function componentId(plan: Pick<PackagePlan, 'homepage' | 'maintainer' | 'package'>): string {
  const parts = idPrefix(plan)
    .map(idPart)
    .filter((p) => p.length > 0);
  while (parts.length < 2) parts.unshift('io');
  const last = idPart(plan.package) || 'app';
  if (parts[parts.length - 1] !== last) parts.push(last);
  return parts.join('.');
}

/**
 * Where the package installs the metainfo: /usr/share/metainfo/<component id>.metainfo.xml. AppStream wants the
 * file named after the id (`appstreamcli validate-tree` warns metainfo-filename-cid-mismatch otherwise).
 */
export function metainfoPath(plan: Pick<PackagePlan, 'homepage' | 'maintainer' | 'package'>): string {
  return `/usr/share/metainfo/${componentId(plan)}.metainfo.xml`;
}

/** The application's human name: the desktop entry's Name=, else the package name. */
export function displayName(plan: Pick<PackagePlan, 'desktop' | 'package'>): string {
  if (plan.desktop !== null) {
    let inMain = false;
    for (const line of plan.desktop.split('\n')) {
      const t = line.trim();
      if (t.startsWith('[')) inMain = t === '[Desktop Entry]';
      else if (inMain) {
        const m = /^Name\s*=\s*(.*)$/.exec(t);
        if (m !== null && oneLine(m[1]!) !== '') return oneLine(m[1]!);
      }
    }
  }
  return plan.package;
}

/** The launcher names in /usr/bin (one per main executable, named after its basename). */
export function launcherNames(plan: Pick<PackagePlan, 'executables'>): string[] {
  const names = plan.executables
    .map(
      (e) =>
        e
          .split('/')
          .filter((s) => s.length > 0)
          .pop() ?? '',
    )
    .filter((n) => n !== '');
  return [...new Set(names)];
}

/** The homepage when it is an http(s) URL (the validator's web-url-expected), normalised by the URL parser. */
function webUrl(homepage: string | undefined): string | undefined {
  if (homepage === undefined) return undefined;
  try {
    const url = new URL(oneLine(homepage));
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

/** A name holds no address or URL (the validator's developer-name-has-url): `Example Ltd <x@y>` → `Example Ltd`. */
function plainName(s: string | undefined): string | undefined {
  const name = s
    ?.replace(/<[^>]*>?/g, ' ')
    .replace(/\S*(?:[a-z][a-z0-9+.-]*:\/\/|www\.|@)\S*/gi, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return name === undefined || name === '' ? undefined : name;
}

/**
 * The developer is the copyright holder when one is named (a company or author), else the maintainer, who in
 * pkgme is the developer uploading their own build.
 */
function developerName(plan: Pick<PackagePlan, 'copyright' | 'maintainer'>): string | undefined {
  return plainName(holderName(plan.copyright)) ?? plainName(oneLine(plan.maintainer));
}

function isoDate(epochSeconds: number): string {
  return new Date(epochSeconds * 1000).toISOString().slice(0, 10);
}

/**
 * AppStream descriptions cannot hold links, and a plain URL in one is the validator's warning
 * description-has-plaintext-url: URLs keep their address but lose the scheme (`https://x.org/a` → `x.org/a`).
 */
function withoutSchemes(text: string): string {
  return text.replace(/\b[a-z][a-z0-9+.-]*:\/\/+/gi, '');
}

/** The control synopsis without URL schemes (a URL in a summary is the validator's error summary-has-url). */
export function summaryText(plan: Pick<PackagePlan, 'package' | 'summary'>): string {
  return withoutSchemes(synopsis(plan));
}

function descriptionXml(plan: Pick<PackagePlan, 'description' | 'summary' | 'package'>): string[] {
  const parts = blocks(withoutSchemes(plan.description));
  if (parts.length === 0) parts.push({ kind: 'para', text: `${summaryText(plan)}.` });
  const out: string[] = [];
  for (const b of parts) {
    if (b.kind === 'para') out.push(`      <p>${xmlEscape(b.text)}</p>`);
    else {
      out.push('      <ul>');
      for (const item of b.items) out.push(`        <li>${xmlEscape(item)}</li>`);
      out.push('      </ul>');
    }
  }
  // AppStream requires the description to start with a paragraph.
  if (parts[0]!.kind === 'list') out.unshift(`      <p>${xmlEscape(`${summaryText(plan)}:`)}</p>`);
  return out;
}

/**
 * Whether the package gets a generated metainfo at all. AppStream describes software a user can launch: a
 * desktop-application needs its desktop entry, a console-application the binaries it provides (without one,
 * `appstreamcli validate` fails with console-app-no-binary). A library/addon-only upload (npm .node modules,
 * plugins) has neither, and no other component type fits it: `generic` is not shown by software centres and
 * `addon` needs the id of the application it extends, which pkgme cannot know. So it gets none (planPackage warns
 * NO_EXECUTABLES, naming this).
 */
export function wantsMetainfo(plan: Pick<PackagePlan, 'desktop' | 'executables'>): boolean {
  return plan.desktop !== null || launcherNames(plan).length > 0;
}

export function metainfo(plan: PackagePlan): string {
  const desktop = plan.desktop !== null;
  const license = isProprietary(plan.license) ? 'LicenseRef-proprietary' : oneLine(plan.license);
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<!-- Generated by pkgme from the package plan. -->',
    `<component type="${desktop ? 'desktop-application' : 'console-application'}">`,
    `  <id>${componentId(plan)}</id>`,
    '  <metadata_license>CC0-1.0</metadata_license>',
    `  <project_license>${xmlEscape(license)}</project_license>`,
    `  <name>${xmlEscape(displayName(plan))}</name>`,
    `  <summary>${xmlEscape(summaryText(plan))}</summary>`,
    '  <description>',
    ...descriptionXml(plan),
    '  </description>',
  ];
  if (desktop) lines.push(`  <launchable type="desktop-id">${xmlEscape(plan.package)}.desktop</launchable>`);
  const homepage = webUrl(plan.homepage);
  if (homepage !== undefined) lines.push(`  <url type="homepage">${xmlEscape(homepage)}</url>`);
  const developer = developerName(plan);
  if (developer !== undefined) lines.push(`  <developer_name>${xmlEscape(developer)}</developer_name>`);
  const binaries = launcherNames(plan);
  if (binaries.length > 0) {
    lines.push(
      '  <provides>',
      ...binaries.map((b) => `    <binary>${xmlEscape(b)}</binary>`),
      '  </provides>',
    );
  }
  lines.push(
    '  <releases>',
    `    <release version="${xmlEscape(plan.upstreamVersion)}" date="${isoDate(plan.date)}"/>`,
    '  </releases>',
    '</component>',
    '',
  );
  return lines.join('\n');
}

const XML_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decodeXmlText(s: string): string {
  return s.replace(
    /&(?:#x([0-9a-f]+)|#(\d+)|(amp|lt|gt|quot|apos));/gi,
    (m, hex: string, dec: string, name: string) =>
      hex !== undefined
        ? String.fromCodePoint(parseInt(hex, 16))
        : dec !== undefined
          ? String.fromCodePoint(parseInt(dec, 10))
          : (XML_ENTITIES[name.toLowerCase()] ?? m),
  );
}

/**
 * The metadata_license of an upstream AppStream file as lintian reads it (Check/Debian/Copyright/Dep5.pm:
 * XML::LibXML's `/component/metadata_license`, the first one, its first child's data, untrimmed), so debian/copyright
 * can give the file exactly that license (inconsistent-appstream-metadata-license otherwise). Undefined when the
 * root is not <component> or the element is missing or empty. A small tag scanner, not a full XML parser: it
 * needs comments, CDATA, the prolog and nesting depth, nothing else.
 */
export function metadataLicense(xml: string): string | undefined {
  const body = xml.replace(/<!--[\s\S]*?-->/g, '').replace(/<\?[\s\S]*?\?>/g, '');
  const tag = /<(!\[CDATA\[[\s\S]*?\]\]>|!DOCTYPE[^>]*>|(\/?)([A-Za-z_][\w.:-]*)[^>]*?(\/?)>)/g;
  let depth = 0;
  let root: string | undefined;
  for (let m = tag.exec(body); m !== null; m = tag.exec(body)) {
    if (m[3] === undefined) continue; // CDATA outside the element, or the doctype.
    const [, , close, name, selfClose] = m;
    if (close === '/') {
      depth--;
      continue;
    }
    root ??= name;
    if (root !== 'component') return undefined;
    if (depth === 1 && name === 'metadata_license') {
      if (selfClose === '/') return undefined;
      const rest = body.slice(tag.lastIndex);
      const cdata = /^<!\[CDATA\[([\s\S]*?)\]\]>/.exec(rest);
      const data = cdata !== null ? cdata[1]! : decodeXmlText(rest.slice(0, Math.max(0, rest.indexOf('<'))));
      return data === '' ? undefined : data;
    }
    if (selfClose !== '/') depth++;
  }
  return undefined;
}
