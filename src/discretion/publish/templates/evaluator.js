/* discretion calculator: evaluates an exported ruleset (export.py) exactly as discretion.evaluate does.
 * Plain JavaScript, no build step, no network, never eval: conditions arrive as syntax trees.
 * Numbers are exact decimals (BigInt coefficient and exponent) rounded like Python's Decimal context
 * (28 significant digits, half-even); integers stay exact; money never passes through a float.
 * Mirrors: expr/compiler.py, case.py (coerce, derive), law.py, money.py, evaluate.py.
 */
(function (root) {
  "use strict";

  // ---- exact decimals -------------------------------------------------------------------------
  var PREC = 28;
  function Dec(c, e, isInt) { this.c = c; this.e = e; this.i = !!isInt; }
  function absBig(x) { return x < 0n ? -x : x; }
  function ndigits(c) { return absBig(c).toString().length; }
  function pow10(k) { return 10n ** BigInt(k); }
  function dec(text) {
    var s = String(text).trim();
    var m = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(s);
    if (!m || (m[2] === "" && (m[3] === undefined || m[3] === ""))) { throw new Error("not a number: " + text); }
    var frac = m[3] || "";
    var c = BigInt((m[2] || "0") + frac);
    if (m[1] === "-") { c = -c; }
    return new Dec(c, (m[4] ? parseInt(m[4], 10) : 0) - frac.length, false);
  }
  function int(text) { return new Dec(BigInt(text), 0, true); }
  function roundHalfEven(c, drop) { // c / 10^drop, half-even
    if (drop <= 0) { return c * pow10(-drop); }
    var d = pow10(drop), q = c / d, r = absBig(c % d), twice = 2n * r;
    if (twice > d || (twice === d && (absBig(q) % 2n === 1n))) { q += c < 0n ? -1n : 1n; }
    return q;
  }
  function ctx(x) { // Python's default context: round to 28 significant digits
    if (x.i) { return x; }
    var n = ndigits(x.c);
    if (n <= PREC) { return x; }
    var drop = n - PREC, q = roundHalfEven(x.c, drop);
    return new Dec(q, x.e + drop, false);
  }
  function align(a, b) {
    var e = Math.min(a.e, b.e);
    return [a.c * pow10(a.e - e), b.c * pow10(b.e - e), e];
  }
  function add(a, b) { var t = align(a, b); return ctx(new Dec(t[0] + t[1], t[2], a.i && b.i)); }
  function sub(a, b) { var t = align(a, b); return ctx(new Dec(t[0] - t[1], t[2], a.i && b.i)); }
  function mul(a, b) { return ctx(new Dec(a.c * b.c, a.e + b.e, a.i && b.i)); }
  function neg(a) { return ctx(new Dec(-a.c, a.e, a.i)); }
  function isZero(a) { return a.c === 0n; }
  function div(a, b) { // Decimal(a) / Decimal(b), rounded to the context
    if (a.c === 0n) { return new Dec(0n, 0, false); }
    var sign = (a.c < 0n) !== (b.c < 0n) ? -1n : 1n;
    var na = absBig(a.c), nb = absBig(b.c);
    var k = PREC + 2 + ndigits(nb) - ndigits(na);
    if (k < 0) { k = 0; }
    var num = na * pow10(k), q = num / nb, rem = num % nb;
    var e = a.e - b.e - k, n = ndigits(q);
    if (n > PREC) {
      var drop = n - PREC, d = pow10(drop), head = q / d, tail = q % d, twice = 2n * tail;
      if (twice > d || (twice === d && (rem !== 0n || head % 2n === 1n))) { head += 1n; }
      q = head; e += drop;
      if (ndigits(q) > PREC) { q = q / 10n; e += 1; }
    }
    return new Dec(sign * q, e, false);
  }
  function cmp(a, b) { var t = align(a, b); return t[0] < t[1] ? -1 : (t[0] > t[1] ? 1 : 0); }
  function dmin(a, b) { return cmp(a, b) <= 0 ? a : b; }
  function dmax(a, b) { return cmp(a, b) >= 0 ? a : b; }
  function truncInt(a) { // int(Decimal): toward zero
    if (a.e >= 0) { return Number(a.c * pow10(a.e)); }
    return Number(a.c / pow10(-a.e));
  }
  function quantize2(a, up) { // to the fen: ceiling (up) or floor
    if (a.e >= -2) { return new Dec(a.c * pow10(a.e + 2), -2, false); }
    var d = pow10(-2 - a.e), q = a.c / d, r = a.c % d;
    if (r !== 0n) { if (up && a.c > 0n) { q += 1n; } if (!up && a.c < 0n) { q -= 1n; } }
    return new Dec(q, -2, false);
  }
  function fmt2(a) { // f"{value.quantize(CENT):f}" for a value already at two places
    var c = a.c, s = absBig(c).toString().padStart(3, "0");
    return (c < 0n ? "-" : "") + s.slice(0, -2) + "." + s.slice(-2);
  }
  function plain(a) { // f"{value:f}"
    var c = absBig(a.c).toString(), sign = a.c < 0n ? "-" : "";
    if (a.e >= 0) { return sign + c + "0".repeat(a.e); }
    var k = -a.e;
    if (c.length <= k) { c = "0".repeat(k - c.length + 1) + c; }
    return sign + c.slice(0, c.length - k) + "." + c.slice(c.length - k);
  }
  var ZERO = int("0"), HUNDRED = int("100");

  // ---- dates (proleptic Gregorian day numbers) ------------------------------------------------
  function daysFromCivil(y, m, d) {
    y -= m <= 2 ? 1 : 0;
    var era = Math.floor(y / 400), yoe = y - era * 400;
    var doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
    var doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
    return era * 146097 + doe - 719468;
  }
  function civilFromDays(z) {
    z += 719468;
    var era = Math.floor(z / 146097), doe = z - era * 146097;
    var yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
    var y = yoe + era * 400, doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
    var mp = Math.floor((5 * doy + 2) / 153), d = doy - Math.floor((153 * mp + 2) / 5) + 1;
    var m = mp + (mp < 10 ? 3 : -9);
    return [y + (m <= 2 ? 1 : 0), m, d];
  }
  function DateV(dn) { this.dn = dn; }
  function monthDays(y, m) { return [31, (y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0)) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]; }
  function mkdate(y, m, d) { return new DateV(daysFromCivil(y, m, d)); }
  function parseDate(s) {
    var m = typeof s === "string" && /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
    if (!m) { return null; }
    var y = +m[1], mo = +m[2], d = +m[3];
    if (y < 1 || mo < 1 || mo > 12 || d < 1 || d > monthDays(y, mo)) { return null; }
    return mkdate(y, mo, d);
  }
  function isoDate(v) {
    var t = civilFromDays(v.dn);
    return String(t[0]).padStart(4, "0") + "-" + String(t[1]).padStart(2, "0") + "-" + String(t[2]).padStart(2, "0");
  }
  function addYears(v, years) { var t = civilFromDays(v.dn); var d = t[2]; if (t[1] === 2 && d === 29 && monthDays(t[0] + years, 2) === 28) { d = 28; } return mkdate(t[0] + years, t[1], d); }
  function monthsBefore(v, months) {
    var t = civilFromDays(v.dn), total = t[0] * 12 + t[1] - 1 - months;
    var y = Math.floor(total / 12), m = total - y * 12 + 1;
    return mkdate(y, m, Math.min(t[2], monthDays(y, m)));
  }

  // ---- values and conditions (Kleene logic; null is unknown) ----------------------------------
  function has(obj, key) { return Object.prototype.hasOwnProperty.call(obj, key); }
  function get(facts, name) { return has(facts, name) ? facts[name] : null; }
  function literal(node) {
    switch (node.k) {
      case "bool": return node.v;
      case "str": return node.v;
      case "int": return int(node.v);
      case "dec": return dec(node.v);
      case "date": return parseDate(node.v);
    }
    throw new Error("unknown literal " + node.k);
  }
  function order(a, b) {
    if (a instanceof Dec) { return cmp(a, b); }
    if (a instanceof DateV) { return a.dn < b.dn ? -1 : (a.dn > b.dn ? 1 : 0); }
    return a === b ? 0 : (a < b ? -1 : 1);
  }
  function same(a, b) {
    if (a instanceof Dec && b instanceof Dec) { return cmp(a, b) === 0; }
    if (a instanceof DateV && b instanceof DateV) { return a.dn === b.dn; }
    return a === b;
  }
  function compare(op, a, b) {
    switch (op) {
      case "==": return same(a, b);
      case "!=": return !same(a, b);
      case "<": return order(a, b) < 0;
      case "<=": return order(a, b) <= 0;
      case ">": return order(a, b) > 0;
      case ">=": return order(a, b) >= 0;
    }
    throw new Error("unknown comparison " + op);
  }
  function arith(op, a, b) {
    if (op === "-" && a instanceof DateV && b instanceof DateV) { return int(String(a.dn - b.dn)); }
    if (a instanceof DateV) { var days = truncInt(b); return new DateV(op === "+" ? a.dn + days : a.dn - days); }
    switch (op) {
      case "+": return add(a, b);
      case "-": return sub(a, b);
      case "*": return mul(a, b);
      case "/": return isZero(b) ? null : div(new Dec(a.c, a.e, false), new Dec(b.c, b.e, false));
    }
    throw new Error("unknown operator " + op);
  }
  function value(node, facts) {
    var a, b, i, unknown;
    switch (node.t) {
      case "lit": return literal(node);
      case "name": return get(facts, node.f);
      case "not": a = value(node.x, facts); return a === null ? null : !a;
      case "neg": a = value(node.x, facts); return a === null ? null : neg(a);
      case "bool":
        unknown = false;
        for (i = 0; i < node.xs.length; i++) {
          a = value(node.xs[i], facts);
          if (a === null) { unknown = true; } else if (node.op === "and" && !a) { return false; } else if (node.op === "or" && a) { return true; }
        }
        return unknown ? null : node.op === "and";
      case "cmp":
        a = value(node.l, facts); if (a === null) { return null; }
        b = value(node.r, facts); return b === null ? null : compare(node.op, a, b);
      case "arith":
        a = value(node.l, facts); if (a === null) { return null; }
        b = value(node.r, facts); return b === null ? null : arith(node.op, a, b);
      case "in":
        a = value(node.x, facts); if (a === null) { return null; }
        var found = node.opts.some(function (o) { return same(a, literal(o)); });
        return node.neg ? !found : found;
    }
    throw new Error("unknown node " + node.t);
  }
  function all3(values) {
    if (values.some(function (v) { return v === false; })) { return false; }
    if (values.some(function (v) { return v === null; })) { return null; }
    return true;
  }

  // ---- case validation and derived facts (case.py) --------------------------------------------
  var TIMELY = ["before_discovery", "immediately", "within_deadline"];
  // Numbers given as text (fact_values.py): ASCII digits only, spaces (only spaces) around them allowed;
  // money may group its thousands by threes. No plus sign, no bare point, no stray comma.
  var WHOLE_TEXT = /^-?[0-9]+$/;
  var NUMBER_TEXT = /^-?[0-9]+(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?$/;
  var MONEY_TEXT = /^-?(?:[0-9]+|[0-9]{1,3}(?:,[0-9]{3})+)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?$/;
  var WHOLE_MOST = 10n ** 15n, MONEY_MOST = new Dec(1n, 15, false);
  var AFTER_ACT = ["act_end_date", "discovery_date"];  // case.AFTER_ACT: neither precedes the act
  function spaceless(text) { return text.replace(/^ +| +$/g, ""); }
  function coerce(spec, raw) {
    var v;
    switch (spec.type) {
      case "bool":
        if (raw === true || raw === false) { return raw; }
        throw new Error("expected true or false");
      case "enum":
        if (typeof raw === "string" && spec.values.some(function (x) { return x.code === raw; })) { return raw; }
        throw new Error("expected one of " + spec.values.map(function (x) { return x.code; }).join(", "));
      case "integer": case "days":
        if (typeof raw === "number" && Number.isInteger(raw)) { v = int(String(raw)); }
        else if (typeof raw === "string" && raw.length < 30 && WHOLE_TEXT.test(spaceless(raw))) { v = int(spaceless(raw)); }
        else { throw new Error("expected a whole number"); }
        if (absBig(v.c) > WHOLE_MOST) { throw new Error("a whole number above 10^15 is not plausible"); }
        bounds(spec, v); return v;
      case "money":
        if (typeof raw === "number" && isFinite(raw)) { v = dec(String(raw)); }
        else if (typeof raw === "string" && raw.length <= 40) {
          if (!MONEY_TEXT.test(spaceless(raw))) { throw new Error("expected an amount in yuan"); }
          v = dec(spaceless(raw).replace(/,/g, ""));
        } else { throw new Error("expected an amount in yuan"); }
        if (v.c < 0n) { throw new Error("an amount cannot be negative"); }
        if (v.e < -2) {  // 1.000 and 0E-50 are 1.00 and 0.00 (money.py keeps fen); 0.001 is refused
          var extra = pow10(-2 - v.e);
          if (v.c % extra !== 0n) { throw new Error("an amount in yuan has at most two decimal places (fen)"); }
          v = new Dec(v.c / extra, -2, false);
        }
        if ((v.c !== 0n && ndigits(v.c) - 1 + v.e > 15) || cmp(v, MONEY_MOST) > 0) { throw new Error("an amount above 10^15 yuan is not plausible"); }
        bounds(spec, v); return v;
      case "number":
        if (typeof raw === "number" && isFinite(raw)) { v = dec(String(raw)); }
        else if (typeof raw === "string" && raw.length <= 40) {
          if (!NUMBER_TEXT.test(spaceless(raw))) { throw new Error("expected a number"); }
          v = dec(spaceless(raw));
        } else { throw new Error("expected a number"); }
        if (v.c !== 0n && (ndigits(v.c) - 1 + v.e > 15 || ndigits(v.c) - 1 + v.e < -15)) { throw new Error("expected a finite number of plausible size"); }
        bounds(spec, v); return v;
      case "date":
        v = parseDate(raw); if (v === null) { throw new Error("expected a date YYYY-MM-DD"); } return v;
      case "records":
        if (!Array.isArray(raw)) { throw new Error("expected a list of {date, violation}"); }
        return raw.map(function (r) {
          var d = r && parseDate(r.date);
          if (!d) { throw new Error("record date: expected a date YYYY-MM-DD"); }
          return { date: d, violation: r.violation === undefined ? null : r.violation };
        });
    }
    throw new Error("unsupported fact type " + spec.type);
  }
  function bounds(spec, v) {
    if (spec.min !== null && cmp(v, dec(spec.min)) < 0) { throw new Error("at least " + spec.min + " expected"); }
    if (spec.max !== null && cmp(v, dec(spec.max)) > 0) { throw new Error("at most " + spec.max + " expected"); }
  }
  function validateCase(rs, c) {
    var errors = [], facts = {}, given = c.facts || {};
    var violation = rs.violations[c.violation];
    if (!violation) { errors.push({ field: "violation", message: "'" + c.violation + "' is not a violation of ruleset " + rs.id }); }
    Object.keys(given).forEach(function (name) {
      var spec = rs.facts[name];
      if (!spec) { errors.push({ field: name, message: "'" + name + "' is not a fact of ruleset " + rs.id }); return; }
      if (given[name] === null || given[name] === undefined) { return; }
      try { facts[name] = coerce(spec, given[name]); } catch (err) { errors.push({ field: name, message: spec.zh + " (" + name + "): " + err.message }); }
    });
    var act = get(facts, "act_date");
    if (act !== null) {  // a violation is neither discovered nor ended before it was committed (case.py)
      AFTER_ACT.forEach(function (name) {
        var day = get(facts, name);
        if (day !== null && day.dn < act.dn) {
          errors.push({ field: name, message: rs.facts[name].zh + " (" + name + ") " + isoDate(day) + " is before " +
            rs.facts.act_date.zh + " (act_date) " + isoDate(act) + ": an act is not " +
            (name === "discovery_date" ? "discovered" : "ended") + " before it began" });
        }
      });
    }
    if (errors.length) { return { errors: errors }; }
    Object.keys(rs.facts).forEach(function (name) {
      var spec = rs.facts[name];
      if (!has(facts, name) && spec["default"] !== null) { facts[name] = coerce(spec, spec["default"]); }
    });
    derive(facts, violation, rs.window_months, rs.window_anchor, rs.implications || {}, rs.facts,
      rs.window_since ? parseDate(rs.window_since) : null);
    return { errors: [], facts: facts };
  }
  function derive(facts, violation, window, anchor, implications, specs, since) {
    Object.keys(implications).forEach(function (name) {  // a true fact implies others (case.derive)
      if (get(facts, name) !== true) { return; }
      Object.keys(implications[name]).forEach(function (target) {
        if (!has(facts, target)) { facts[target] = coerce(specs[target], implications[name][target]); }
      });
    });
    var corrected = get(facts, "corrected");
    if (!has(facts, "timely_corrected") && corrected !== null) { facts.timely_corrected = TIMELY.indexOf(corrected) >= 0; }
    var records = get(facts, "prior_violations");
    if (records === null) {
      if (has(facts, "prior_violation_count") && !has(facts, "first_violation")) { facts.first_violation = cmp(facts.prior_violation_count, ZERO) === 0; }
      return;
    }
    var act = get(facts, anchor);
    if (window !== null && act === null) { return; }
    var start = window !== null ? monthsBefore(act, window) : null;
    var count = records.filter(function (r) {
      return (r.violation === null || violation.same_type.indexOf(r.violation) >= 0) &&  // case.same_type
        (start === null || r.date.dn > start.dn) && (since === null || r.date.dn >= since.dn) &&
        (act === null || r.date.dn <= act.dn);
    }).length;
    if (!has(facts, "prior_violation_count")) { facts.prior_violation_count = int(String(count)); }
    if (!has(facts, "first_violation")) { facts.first_violation = cmp(facts.prior_violation_count, ZERO) === 0; }
  }

  // ---- the statutory layer (law.py) -----------------------------------------------------------
  function limitation(facts, special) {  // special: the breached law's own period (export "limitation"), or null
    var start = get(facts, "act_end_date") || get(facts, "act_date"), found = get(facts, "discovery_date");
    if (start === null || found === null) { return null; }
    if (special) { return found.dn > addYears(start, special.years).dn; }
    if (limitationOpenFacts(facts).length) { return null; }  // open on its facts (law.limitation_open_facts)
    var harm = get(facts, "harm");
    var extended = get(facts, "life_health_financial_safety") === true && harm !== null && harm !== "none";
    return found.dn > addYears(start, extended ? 5 : 2).dn;
  }
  // law.limitation_open_facts under art. 36's own periods: found after two years but within five, the facts
  // of the five years (safety involved, harm followed) still unknown while neither known one rules them out
  function limitationOpenFacts(facts) {
    var start = get(facts, "act_end_date") || get(facts, "act_date"), found = get(facts, "discovery_date");
    var safety = get(facts, "life_health_financial_safety"), harm = get(facts, "harm");
    if (start === null || found === null || safety === false || harm === "none") { return []; }
    if (found.dn <= addYears(start, 2).dn || found.dn > addYears(start, 5).dn) { return []; }
    return [["life_health_financial_safety", safety], ["harm", harm]]
      .filter(function (p) { return p[1] === null; }).map(function (p) { return p[0]; });
  }
  function lessThan(v, n) { return cmp(v, int(String(n))) < 0; }
  // law.ORGANISATIONS: the party types that are not natural persons (art. 30, 31 and 51 tell them apart)
  function isOrganisation(party) { return party === "legal_person" || party === "other_organization"; }
  // law.py: an absent age is undecided for a natural person or an undescribed party, and art. 30 does
  // not apply to an organisation; capacity, art. 32's circumstances and no-fault evidence hold only
  // when given (absent: false).
  function ageGround(facts, test) {
    var age = get(facts, "age_at_act"), party = get(facts, "party_type");
    if (age !== null) { return test(age); }
    return isOrganisation(party) ? false : null;
  }
  function shown(facts, name) { return get(facts, name) === true; }
  // law.open_facts: the grounds a missing fact leaves open, with what decides them
  var ASKS = { "APL-30-under-14": ["age_at_act"], "APL-30-14-to-17": ["age_at_act"],
    "APL-33-1-minor": ["minor_violation", "timely_corrected", "harm"],
    "APL-33-1-first": ["first_violation", "timely_corrected", "harm"] };
  function openFacts(rule, holds, facts) {
    if (rule === "APL-36-time-barred") { return holds === null ? limitationOpenFacts(facts) : []; }
    var asks = ASKS[rule];
    if (holds !== null || !asks) { return []; }
    if (asks[0] === "age_at_act" && get(facts, "party_type") !== "natural_person") { return []; }
    return asks.filter(function (n) { return get(facts, n) === null; })
      .map(function (n) { return n === "timely_corrected" ? "corrected" : n; });
  }
  // Art. 31 (精神病人、智力残疾人) never applies to an organisation (law._capacity).
  function lostCapacity(facts, lost) {
    return !isOrganisation(get(facts, "party_type")) && get(facts, "capacity") === lost;
  }
  function exemption(facts, special) {
    var harm = get(facts, "harm");
    var timely = get(facts, "timely_corrected"), minor = get(facts, "minor_violation");
    return [
      ["APL-30-under-14", ageGround(facts, function (age) { return lessThan(age, 14); })],
      ["APL-31-no-capacity", lostCapacity(facts, "none")],
      ["APL-36-time-barred", limitation(facts, special)],
      ["APL-33-2-no-fault", shown(facts, "no_fault_evidence")],
      ["APL-33-1-minor", all3([minor, timely, harm === null ? null : harm === "none"])],
      ["APL-33-1-first", all3([get(facts, "first_violation"), timely, harm === null ? null : (harm === "none" || harm === "minor")])]
    ];
  }
  function leniency(facts) {
    return [
      ["APL-30-14-to-17", ageGround(facts, function (age) { return !lessThan(age, 14) && lessThan(age, 18); })],
      ["APL-31-partial-capacity", lostCapacity(facts, "partial")],
      ["APL-32-1", shown(facts, "consequences_eliminated")],
      ["APL-32-2", shown(facts, "coerced")],
      ["APL-32-3", shown(facts, "confessed")],
      ["APL-32-4", shown(facts, "meritorious")]
    ];
  }
  function summaryAllowed(types, fineMax, partyType) {
    if (!types.length || !types.every(function (t) { return t === "warning" || t === "fine"; })) { return false; }
    if (types.indexOf("fine") < 0 || fineMax === null) { return types.indexOf("fine") < 0; }
    if (cmp(fineMax, int("200")) <= 0) { return true; }
    return isOrganisation(partyType) && cmp(fineMax, int("3000")) <= 0;
  }

  // ---- fine ranges (money.py); a range is [low, high]; UNKNOWN is a marker ----------------------
  var UNKNOWN = { unknown: true };
  function isRange(r) { return Array.isArray(r); }
  function d0(s) { return s === null ? null : dec(s); }
  function absolute(fine, facts, band) {
    var low, high;
    switch (fine.shape) {
      case "fixed": return [dec(fine.fixed), dec(fine.fixed)];
      case "multiple":
        var base = get(facts, fine.multiple_of);
        if (base === null) { return UNKNOWN; }
        if (isZero(base) && fine.no_base !== null) { return absolute(fine.no_base, facts, band); }
        low = mul(base, fine.min_multiple !== null ? dec(fine.min_multiple) : ZERO);
        high = mul(base, dec(fine.max_multiple));
        return cap(low, high, fine);
      case "per_unit":
        var units = get(facts, fine.units), per = fine.per_unit;
        var amount = per.amount_of !== null ? get(facts, per.amount_of) : null;
        if (units === null || (per.amount_of !== null && amount === null)) { return UNKNOWN; }
        if (amount !== null) { var total = mul(amount, units); return cap(total, total, fine); }
        return cap(mul(dec(per.min), units), mul(dec(per.max), units), fine);
      case "percent":
        if (band === null) { return null; }
        return percentOf(band, [dec(fine.percent[0]), dec(fine.percent[1])]);
    }
    low = fine.min !== null ? dec(fine.min) : ZERO;
    if (fine.max !== null) { return [low, dec(fine.max)]; }
    return band !== null ? [low, band[1]] : [low, low];
  }
  function cap(low, high, fine) {
    if (fine.min !== null) { var mn = dec(fine.min); low = dmax(low, mn); high = dmax(high, mn); }
    if (fine.max !== null) { var mx = dec(fine.max); low = dmin(low, mx); high = dmin(high, mx); }
    return [low, high];
  }
  function percentOf(band, percent) {
    var span = sub(band[1], band[0]);
    return [add(band[0], div(mul(span, percent[0]), HUNDRED)), add(band[0], div(mul(span, percent[1]), HUNDRED))];
  }
  function formulaPercent(formula, outcome, bandFine) {
    var maxOnly = bandFine.shape === "range" && (bandFine.min === null || isZero(dec(bandFine.min)));
    if (maxOnly && has(formula.percent_of_max, outcome)) { return formula.percent_of_max[outcome]; }
    return has(formula.percent_of_range, outcome) ? formula.percent_of_range[outcome] : null;
  }
  function tierRange(fine, facts, band) { return fine === null ? band : absolute(fine, facts, band); }
  function clamp(v, b) {
    var low = dmin(dmax(v[0], b[0]), b[1]), high = dmin(dmax(v[1], b[0]), b[1]);
    return [low, dmax(low, high)];
  }
  function mitigatedRange(band, floorPercent) {
    var floor = floorPercent !== null ? div(mul(band[0], dec(floorPercent)), HUNDRED) : ZERO;
    return [floor, band[0]];
  }
  function percentFine(p) { return { shape: "percent", min: null, max: null, percent: p }; }

  // ---- the pipeline (evaluate.py) -------------------------------------------------------------
  var OUTCOME_RANK = { no_penalty: 0, mitigated: 1, lighter: 2, standard: 3, heavier: 4 };

  function Evaluation(rs, violation, facts) {
    this.rs = rs; this.v = violation; this.facts = facts;
    this.flags = []; this.flagSeen = {}; this.unknown = false; this.steps = []; this.fineCondition = null; this.finePending = null;
  }
  var E = Evaluation.prototype;
  E.flag = function (code, article, detail) {
    if (this.flagSeen[code]) { return; }
    this.flagSeen[code] = true;
    var label = this.rs.vocabulary.flags[code];
    this.flags.push({ code: code, zh: label.zh, en: label.en, article: article || null, detail: detail || null });
  };
  E.conds = function (conditions) {
    var self = this;
    var explained = conditions.map(function (c) { return { when: c.when, zh: c.zh, value: value(c.node, self.facts) }; });
    return [all3(explained.map(function (x) { return x.value; })), explained];
  };
  E.step = function (rule, kind, matched, conditions, note) {
    this.steps.push({ rule: rule, kind: kind, matched: matched, conditions: conditions || [], note: note || null });
  };
  E.run = function () {
    var exemptions = this.statutoryExemptions();
    var b = this.band();
    var baseline = this.baseline(b.band, b.range, b.applies);
    var items = this.items();
    var penalty = this.penalty(items, baseline, b.band, b.range, b.applies);
    var decision = this.exemption(exemptions, items, penalty);
    var self = this;
    // pipeline._undecided_grounds: an open ground that could give a more lenient outcome, or make a
    // discretionary no penalty mandatory, leaves the facts unknown
    var law = this.rs.law.grounds, undecided = [];
    exemptions.concat(leniency(this.facts)).forEach(function (r) {
      var names = openFacts(r[0], r[1], self.facts), g = law[r[0]];
      if (names.length && (OUTCOME_RANK[g.outcome] < OUTCOME_RANK[decision.outcome] || (decision.outcome === "no_penalty"
          && !decision.mandatory && g.modality === "shall" && g.outcome === "no_penalty"))) {
        undecided.push(r[0] + " (" + names.join(", ") + ")");
      }
    });
    if (undecided.length) {
      this.unknown = true;
      this.unknownDetail = "法定情节待查明 statutory grounds undecided: " + undecided.join("; ");
    }
    if (this.finePending && decision.outcome !== "no_penalty") { // pipeline._fine_pending_detail
      var cond = this.finePending.only_if;
      var pending = "罚款待定：法定罚款以「" + (cond.zh || cond.when) + "」为前提，该条件待查明 fine undecided: the statute fines only when " +
        cond.when + ", not yet established";
      this.unknownDetail = this.unknownDetail ? this.unknownDetail + "; " + pending : pending;
    }
    if (decision.outcome !== "no_penalty") { // art. 32 binds only a penalty that is imposed
      (this.leniencyGrounds || []).forEach(function (g) { if (g.modality === "shall") { self.flag("leniency_required", g.citation, g.zh); } });
    } else { // no penalty: no statutory range is applied, so "no tier matched" says nothing
      this.flags = this.flags.filter(function (f) { return f.code !== "no_tier_matched"; });
      delete this.flagSeen.no_tier_matched;
    }
    this.criminal();
    (items.no_coercion || []).forEach(function (item) { self.flag("no_coercive_measures", "行政强制法第16条第2款", "list item " + item.id); });
    return this.compose(decision, b.band);
  };
  E.statutoryExemptions = function () {
    var results = exemption(this.facts, this.rs.limitation || null), self = this;
    results.forEach(function (r) { self.step(r[0], "statute", r[1]); });
    if (results[2][1]) { this.flag("time_barred", "行政处罚法第36条"); }
    return results;
  };
  E.band = function () {
    var chosen = null, self = this;
    this.v.bands.forEach(function (band) {
      var matched = band.when === null ? true : value(band.when.node, self.facts);
      self.step(self.v.id + "/" + band.id, "band", chosen === null ? matched : false,
        band.when === null ? [] : [{ when: band.when.when, zh: band.when.zh, value: matched }],
        chosen === null ? null : "an earlier band applies");
      if (matched === null) { self.unknown = true; }
      if (chosen === null && matched) { chosen = band; }
    });
    if (chosen === null) { return { band: null, range: null, applies: null }; }
    if (chosen.fine === null) { return { band: chosen, range: null, applies: null }; }
    var applies = true;
    if (chosen.only_if !== null) {
      applies = value(chosen.only_if.node, this.facts);
      this.step(this.v.id + "/" + chosen.id + "/only_if", "band", applies,
        [{ when: chosen.only_if.when, zh: chosen.only_if.zh, value: applies }], applies === null
          ? "罚款以此条件成立为前提，条件待查明 (the fine applies only when this holds, and it is not yet known whether it does)"
          : "the fine applies only when this holds");
      if (applies === null) { this.unknown = true; this.finePending = chosen; } // undecided: asked, not ruled out
      else if (!applies) { this.fineCondition = chosen.only_if.when; }
    }
    var statutory = absolute(chosen.fine, this.facts, null);
    if (statutory === UNKNOWN) { this.unknown = true; return { band: chosen, range: null, applies: applies }; }
    return { band: chosen, range: isRange(statutory) ? statutory : null, applies: applies };
  };
  E.bandMandatory = function (band) { return band === null || band.modality === "shall"; };
  E.baseline = function (band, bandRange, applies) {
    var bandId = band ? band.id : null, matched = [], self = this, v = this.v;
    v.tiers.forEach(function (tier) {
      var rule = v.id + "/" + tier.id;
      if (tier.band !== null && tier.band !== bandId) { self.step(rule, "tier", false, [], "belongs to band " + tier.band + ", not " + bandId); return; }
      var r = self.conds(tier.conditions);
      if (r[0] === null) { self.unknown = true; }
      self.step(rule, "tier", r[0], r[1]);
      if (r[0]) { matched.push(tier); }
    });
    var citations = matched.slice(0, 1).filter(function (t) { return t.basis; }).map(function (t) { return t.basis.label; });
    if (!matched.length) {
      if (v.tiers.length) { this.flag("no_tier_matched"); }
      var fine = applies ? bandRange : null;
      return this.decision("standard", this.bandMandatory(band), v.id + "/statutory", "按法定处罚幅度", fine,
        this.types(null, band, fine), [], citations, [], null);
    }
    if (matched.length > 1 && v.hit_policy === "unique") { this.flag("tier_ambiguous", null, matched.map(function (t) { return t.id; }).join(", ")); }
    var tier = matched[0];
    var range = applies ? this.tierRangeOf(tier, band, bandRange) : null;
    var label = tier.label || this.rs.vocabulary.outcomes[tier.outcome].zh;
    var formulaCitation = v.formula !== null && tier.fine === null ? [v.formula.citation.label] : [];
    var d = this.decision(tier.outcome, this.bandMandatory(band), v.id + "/" + tier.id, "裁量阶次：" + label, range,
      this.types(tier.types, band, range), [], citations.concat(formulaCitation), [], null);
    d.narrowed = tier.types !== null;  // pipeline._Decision.narrowed: named types are the whole penalty
    return d;
  };
  E.decision = function (outcome, mandatory, rule, reason, fine, types, alternatives, citations, measures, item) {
    return { outcome: outcome, mandatory: mandatory, rule: rule, reason: reason, fine: fine, types: types,
      alternatives: alternatives, citations: citations, measures: measures, item: item };
  };
  E.tierFine = function (tier, band) {
    var f = this.v.formula;
    if (tier.fine !== null || band === null || band.fine === null || f === null) { return tier.fine; }
    var p = formulaPercent(f, tier.outcome, band.fine);
    return p !== null ? percentFine(p) : null;
  };
  E.tierRangeOf = function (tier, band, bandRange) {
    if (bandRange === null) { return null; }
    var result = tierRange(this.tierFine(tier, band), this.facts, bandRange);
    if (result === UNKNOWN) { this.unknown = true; return null; }
    if (!isRange(result)) { return null; }
    if (tier.outcome === "mitigated") { return clamp(result, [ZERO, bandRange[0]]); }
    return clamp(result, bandRange);
  };
  E.types = function (explicit, band, fine) {
    var types;
    if (explicit !== null) { types = explicit; }
    else if (band !== null && band.types.length) { types = band.types; }
    else { types = this.inheritedTypes(band); }
    var gains = get(this.facts, "illegal_gains");
    var keepGains = gains !== null && cmp(gains, ZERO) > 0 && get(this.facts, "illegal_gains_refunded") !== true;
    return types.filter(function (t) { return (t !== "fine" || fine !== null) && (t !== "confiscate_illegal_gains" || keepGains); });
  };
  // compile.CompiledViolation.inherited_types: a band naming no types takes the statute's, but for those
  // that only other bands name
  E.inheritedTypes = function (band) {
    var named = this.v.bands.filter(function (b) { return b.types.length; });
    return this.v.statutory.types.filter(function (t) {
      var naming = named.filter(function (b) { return b.types.indexOf(t) >= 0; });
      return !naming.length || naming.some(function (b) { return b === band; });
    });
  };
  E.items = function () {
    var matched = {}, self = this;
    this.v.items.forEach(function (item) {
      var r = self.conds(item.conditions);
      if (r[0] === null) { self.unknown = true; }
      self.step(item.id, "list_item", r[0], r[1]);
      if (r[0]) { (matched[item.kind] = matched[item.kind] || []).push(item); }
    });
    return matched;
  };
  // pipeline._lighter_range: without a 从轻 tier or formula of the ruleset's, from the statutory minimum up to
  // the most the case would otherwise get (the baseline: the matched tier, or the band)
  E.lighterRange = function (band, bandRange, explicit, baseline) {
    if (bandRange === null) { return null; }
    var result, i;
    if (explicit !== null) { result = tierRange(explicit, this.facts, bandRange); return isRange(result) ? clamp(result, bandRange) : null; }
    for (i = 0; i < this.v.tiers.length; i++) {
      var tier = this.v.tiers[i];
      if (tier.outcome === "lighter" && (tier.band === null || tier.band === (band ? band.id : null))) { return this.tierRangeOf(tier, band, bandRange); }
    }
    var f = this.v.formula;
    if (f !== null && band !== null && band.fine !== null) {
      var p = formulaPercent(f, "lighter", band.fine);
      if (p !== null) { result = tierRange(percentFine(p), this.facts, bandRange); return isRange(result) ? result : null; }
    }
    if (baseline.fine === null) { return null; }
    var lighter = clamp([bandRange[0], baseline.fine[1]], bandRange);
    if (cmp(lighter[0], bandRange[0]) !== 0 || cmp(lighter[1], bandRange[1]) !== 0) {
      var tierId = baseline.rule.split("/").slice(1).join("/");
      this.step(this.v.id + "/lighter", "formula", true, [], "从轻：法定最低额至本案裁量阶次「" + tierId + "」的上限 " +
        "(lighter: from the statutory minimum up to the maximum of the matched tier " + tierId + ")");
    }
    return lighter;
  };
  E.mitigatedRangeOf = function (bandRange, explicit) {
    if (bandRange === null) { return null; }
    if (explicit !== null) {
      var result = tierRange(explicit, this.facts, bandRange);
      var ceiling = cmp(bandRange[0], ZERO) > 0 ? bandRange[0] : bandRange[1]; // 减轻: at most the minimum
      return isRange(result) ? clamp(result, [ZERO, ceiling]) : null;
    }
    if (isZero(bandRange[0])) { // nothing lies below a zero minimum
      this.step(this.v.id + "/mitigated", "formula", true, [], "法定罚款无下限，减轻处罚不再罚款 (no statutory minimum: no fine left)");
      return null;
    }
    var f = this.v.formula;
    return mitigatedRange(bandRange, f !== null ? f.mitigated_floor_percent : null);
  };
  E.penalty = function (items, baseline, band, bandRange, applies) {
    var kinds = [["mitigated", "mitigated"], ["lighter", "lighter"]], i, k;
    for (k = 0; k < kinds.length; k++) {
      var list = items[kinds[k][0]] || [];
      if (list.length) {
        var item = list[0], outcome = kinds[k][1];
        var fine = outcome === "mitigated" ? this.mitigatedRangeOf(bandRange, item.fine) : this.lighterRange(band, bandRange, item.fine, baseline);
        fine = applies ? fine : null;
        var chosen = this.decision(outcome, item.modality === "shall", item.id,
          "适用" + (outcome === "mitigated" ? "减轻" : "从轻") + "处罚清单第" + item.id + "项", fine,
          this.types(item.types, band, fine), item.modality === "shall" ? [] : [baseline.outcome], [item.basis.label],
          item.measures, item);
        chosen.narrowed = item.types !== null;
        return chosen;
      }
    }
    var law = this.rs.law.grounds;
    var grounds = leniency(this.facts).filter(function (g) { return g[1]; }).map(function (g) { return law[g[0]]; });
    this.leniencyGrounds = grounds;
    if (!grounds.length || OUTCOME_RANK[baseline.outcome] <= OUTCOME_RANK.lighter) { return baseline; }
    // The statute leaves the choice between 从轻 and 减轻 (and, for art. 31, whether at all).
    var ground = grounds.filter(function (g) { return g.modality === "shall"; })[0] || grounds[0];
    var f2 = applies ? this.lighterRange(band, bandRange, null, baseline) : null;
    return this.decision("lighter", false, ground.rule, ground.zh, f2, this.types(null, band, f2),
      ground.modality === "shall" ? ["mitigated"] : ["mitigated", baseline.outcome],
      grounds.map(function (g) { return g.citation; }), [], null);
  };
  E.exemption = function (exemptions, items, penalty) {
    var law = this.rs.law.grounds, i, noPenalty = items.no_penalty || [];
    for (i = 0; i < exemptions.length; i++) {
      var g = law[exemptions[i][0]];
      if (exemptions[i][1] && g.modality === "shall") {
        var listed = noPenalty.length ? noPenalty[0] : null; // the list restating the statute is still cited
        return this.decision("no_penalty", true, exemptions[i][0], g.zh, null, [], [],
          [g.citation].concat(listed ? [listed.basis.label] : []), g.measures.concat(listed ? listed.measures : []), listed);
      }
    }
    for (i = 0; i < noPenalty.length; i++) { if (noPenalty[i].modality === "shall") { return this.itemExemption(noPenalty[i], true, [], null); } }
    if (noPenalty.length) { return this.itemExemption(noPenalty[0], false, [penalty.outcome], penalty); }
    for (i = 0; i < exemptions.length; i++) {
      var h = law[exemptions[i][0]];
      if (exemptions[i][1] && h.modality === "may") {
        return this.decision("no_penalty", false, exemptions[i][0], h.zh, null, [], [penalty.outcome],
          [h.citation].concat(penalty.citations), [], null);
      }
    }
    return penalty;
  };
  E.itemExemption = function (item, mandatory, alternatives, penalty) {
    var art = item.ground && item.ground !== "no_fault" ? this.rs.law.art33_1 : this.rs.law.art33_2;
    return this.decision("no_penalty", mandatory, item.id, "适用不予处罚清单第" + item.id + "项", null, [], alternatives,
      [item.basis.label, art].concat(penalty ? penalty.citations : []), item.measures, item);
  };
  E.criminal = function () {
    if (!this.v.criminal.length) { return; }
    var r = this.conds(this.v.criminal);
    this.step(this.v.id + "/criminal_referral", "criminal", r[0], r[1]);
    if (r[0]) { this.flag("transfer_to_judicial", "行政处罚法第27条、第57条第1款第4项", this.v.criminal_basis ? this.v.criminal_basis.label : null); }
    if (r[0] === null) { this.unknown = true; }
  };
  E.compose = function (decision, band) {
    var v = this.v, rs = this.rs, penalised = decision.outcome !== "no_penalty";
    var measures = this.measures(decision, penalised);
    var optional = [];
    if (penalised && OUTCOME_RANK[decision.outcome] >= OUTCOME_RANK.lighter && !decision.narrowed) {
      optional = (band && band.optional_types.length) ? band.optional_types : v.statutory.optional_types;
    }
    var fined = penalised && decision.fine !== null && (decision.types.indexOf("fine") >= 0 || optional.indexOf("fine") >= 0);
    var fine = null;
    if (fined) {  // inward to the fen; a range narrower than a fen collapses onto its lower fen (FineRange.of)
      var top = quantize2(decision.fine[1], false), bottom = quantize2(decision.fine[0], true);
      fine = { min: cmp(bottom, top) > 0 ? top : bottom, max: top };
    }
    var all = penalised ? decision.types.concat(optional.filter(function (t) { return decision.types.indexOf(t) < 0; })) : [];
    var penalties = all.map(function (t) {
      return { type: t, zh: rs.vocabulary.penalty_types[t].zh, en: rs.vocabulary.penalty_types[t].en,
        amount: t === "fine" && fine ? { min: fmt2(fine.min), max: fmt2(fine.max) } : null,
        optional: decision.types.indexOf(t) < 0 };
    });
    this.procedureFlags(decision, penalised, fine, penalties);
    var seen = {}, citations = [];
    v.legal_basis.map(function (c) { return c.label; }).concat(v.penalty_basis.map(function (c) { return c.label; }), decision.citations)
      .forEach(function (label) { if (!seen[label]) { seen[label] = true; citations.push(label); } });
    var label = rs.vocabulary.outcomes[decision.outcome];
    var prefix = v.id + "/";
    return {
      outcome: decision.outcome, label: { code: decision.outcome, zh: label.zh, en: label.en },
      mandatory: decision.mandatory, alternatives: decision.alternatives,
      violation: { code: v.id, zh: v.title.zh, en: v.title.en },
      measures: measures, penalties: penalties,
      fine: fine ? { min: fmt2(fine.min), max: fmt2(fine.max) } : null,
      citations: citations, flags: this.flags, trace: this.steps,
      ruleset: { id: rs.id, version: rs.version, sha256: rs.sha256 },
      list_item: decision.item ? decision.item.id : null,
      tier: decision.rule.indexOf(prefix) === 0 && this.v.tiers.some(function (t) {
        return t.id === decision.rule.slice(prefix.length); }) ? decision.rule.slice(prefix.length) : null,
      band: band ? band.id : null, reason: decision.rule + ": " + decision.reason
    };
  };
  E.measures = function (decision, penalised) {
    var codes = [], rs = this.rs;
    if (this.v.statutory.order_correction && decision.measures.indexOf("order_correction") < 0 &&
        decision.measures.indexOf("order_correction_within_deadline") < 0) { codes.push("order_correction"); }
    codes = codes.concat(decision.measures);
    var nonCoercive = rs.vocabulary.non_coercive;
    if (!penalised && !codes.some(function (c) { return nonCoercive.indexOf(c) >= 0; })) { codes.push("persuasion_education"); }
    var seen = {};
    return codes.filter(function (c) { if (seen[c]) { return false; } seen[c] = true; return true; })
      .map(function (c) { return { code: c, zh: rs.measures[c].zh, en: rs.measures[c].en }; });
  };
  E.procedureFlags = function (decision, penalised, fine, penalties) {
    var facts = this.facts, vocab = this.rs.vocabulary;
    if (this.v.statutory.order_correction) { this.flag("correction_ordered", "行政处罚法第28条第1款"); }
    if (!penalised) { this.flag("education_required", "行政处罚法第33条第3款"); }
    if (!decision.mandatory) {
      var alts = decision.alternatives.map(function (o) { return vocab.outcomes[o].zh; }).join("、");
      this.flag("discretionary", null, alts ? "可选：" + alts : null);
    }
    var types = penalties.map(function (p) { return p.type; });
    if (types.indexOf("confiscate_illegal_gains") >= 0) { this.flag("illegal_gains_confiscated", "行政处罚法第28条第2款"); }
    if (penalised && this.fineCondition) { this.flag("fine_only_after_refusal", null, "条件未成立 (condition not met): " + this.fineCondition); }
    if (penalised) {
      this.flag("notice_of_rights", "行政处罚法第44条");
      if (summaryAllowed(types, fine ? fine.max : null, get(facts, "party_type"))) { this.flag("summary_procedure_allowed", "行政处罚法第51条"); }
      var hearing = vocab.hearing_types.filter(function (t) { return types.indexOf(t) >= 0; });
      if (hearing.length) {
        this.flag("hearing_right", "行政处罚法第63条第1款第3、4项", hearing.map(function (t) { return vocab.penalty_types[t].zh; }).join("、"));
      } else if (["fine", "confiscate_illegal_gains", "confiscate_illegal_property"].some(function (t) { return types.indexOf(t) >= 0; })) {
        // art. 63(1)(1)(2): a fine or a confiscation, whose amount decides (procedure._AMOUNT_TYPES)
        // no jurisdiction is loaded in the page: 较大数额 stays unknown, as in discretion.evaluate without one
        this.flag("hearing_right_unknown", "行政处罚法第63条第1款第1、2项", "较大数额 is set by the province or ministry; no threshold is loaded for this jurisdiction");
      }
    }
    if (get(facts, "major_public_interest") || get(facts, "hearing_held") || get(facts, "complex_case")) { this.flag("legal_review_required", "行政处罚法第58条"); }
    if (penalised && (get(facts, "complex_case") || get(facts, "major_violation"))) { this.flag("collective_decision", "行政处罚法第57条第2款"); }
    var act = get(facts, "act_date"), rs = this.rs;
    if (act !== null && (act.dn < parseDate(rs.effective).dn || (rs.expires !== null && act.dn >= parseDate(rs.expires).dn))) {
      this.flag("ruleset_not_in_force", "行政处罚法第37条", "version " + rs.version + " is in force " + rs.effective + "–" + (rs.expires || "") + "; act " + isoDate(act));
    }
    if (rs.draft) { this.flag("draft_ruleset", null, rs.id + " " + rs.version); }
    if (this.unknown) { this.flag("facts_unknown", null, this.unknownDetail || null); }
  };

  /** Evaluate one case {violation, facts} against an exported ruleset: {errors} or {recommendation}. */
  function evaluate(rs, c) {
    var valid = validateCase(rs, c);
    if (valid.errors.length) { return { errors: valid.errors }; }
    return { errors: [], recommendation: new Evaluation(rs, rs.violations[c.violation], valid.facts).run() };
  }

  var api = { evaluate: evaluate, validateCase: validateCase, dec: dec, plain: plain, isoDate: isoDate, conditionValue: value };
  if (typeof module !== "undefined" && module.exports) { module.exports = api; } else { root.DiscretionEvaluator = api; }
}(typeof globalThis !== "undefined" ? globalThis : this));
