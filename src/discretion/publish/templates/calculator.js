/* 裁量计算器: builds the form from the exported ruleset in the page and shows the recommendation.
 * Nothing leaves the page: no network, no storage. Evaluation is DiscretionEvaluator (evaluator.js).
 */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("ruleset-data").textContent);
  var form = document.getElementById("calculator");
  var select = document.getElementById("violation");
  var factsBox = document.getElementById("facts");
  var out = document.getElementById("result");
  var SKIP = { prior_violations: true, party_argued: true, decision_date: true, notice_date: true };
  var LAW_FACTS = ["party_type", "age_at_act", "capacity", "act_date", "act_end_date", "discovery_date", "harm", "corrected",
    "minor_violation", "first_violation", "prior_violation_count", "timely_corrected", "refused_to_correct", "no_fault_evidence",
    "coerced", "confessed", "meritorious", "consequences_eliminated", "life_health_financial_safety", "illegal_gains",
    "illegal_gains_refunded", "illegal_property_value", "major_public_interest", "hearing_held", "complex_case", "major_violation"];

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") { node.textContent = attrs[k]; } else { node.setAttribute(k, attrs[k]); }
    });
    (children || []).forEach(function (c) { if (c) { node.appendChild(typeof c === "string" ? document.createTextNode(c) : c); } });
    return node;
  }
  function en(text) { return text ? el("span", { "class": "en", lang: "en", text: " " + text }) : null; }

  function readsOf(node, into) {
    if (!node) { return into; }
    if (node.t === "name") { into[node.f] = true; }
    ["x", "l", "r"].forEach(function (k) { if (node[k]) { readsOf(node[k], into); } });
    (node.xs || []).forEach(function (x) { readsOf(x, into); });
    return into;
  }
  function violationFacts(v) {
    var reads = {};
    v.bands.forEach(function (b) { if (b.when) { readsOf(b.when.node, reads); } if (b.only_if) { readsOf(b.only_if.node, reads); } });
    v.tiers.concat(v.items).forEach(function (r) { r.conditions.forEach(function (c) { readsOf(c.node, reads); }); });
    v.criminal.forEach(function (c) { readsOf(c.node, reads); });
    function fineFacts(f) {
      if (!f) { return; }
      if (f.multiple_of) { reads[f.multiple_of] = true; }
      if (f.units) { reads[f.units] = true; }
      if (f.per_unit && f.per_unit.amount_of) { reads[f.per_unit.amount_of] = true; }
      fineFacts(f.no_base);
    }
    v.bands.forEach(function (b) { fineFacts(b.fine); });
    v.tiers.concat(v.items).forEach(function (r) { fineFacts(r.fine); });
    return Object.keys(data.facts).filter(function (n) { return reads[n] && !SKIP[n]; });
  }

  function factField(name) {
    var spec = data.facts[name], id = "fact-" + name, box = el("div", { "class": "fact", "data-fact": name });
    var hint = spec.description ? el("span", { "class": "en", id: id + "-hint", text: spec.description }) : null;
    if (spec.type === "bool") {
      var fs = el("fieldset", { "class": "choices" }, [el("legend", { text: spec.zh }, [en(spec.en)])]);
      [["true", "是", "yes"], ["false", "否", "no"], ["", "不确定", "unknown"]].forEach(function (o) {
        var input = el("input", { type: "radio", name: id, value: o[0] });
        if (o[0] === "") { input.checked = true; }
        fs.appendChild(el("label", {}, [input, " " + o[1], en(o[2])]));
      });
      box.appendChild(fs);
    } else if (spec.type === "enum") {
      box.appendChild(el("label", { "for": id, text: spec.zh }, [en(spec.en)]));
      var sel = el("select", { id: id, name: name }, [el("option", { value: "", text: "不确定 (unknown)" })]);
      spec.values.forEach(function (v) { sel.appendChild(el("option", { value: v.code, text: (v.zh || v.code) + (v.en ? " — " + v.en : "") })); });
      box.appendChild(sel);
    } else {
      box.appendChild(el("label", { "for": id, text: spec.zh + (spec.type === "money" ? "（元）" : spec.type === "days" ? "（日）" : "") }, [en(spec.en)]));
      var attrs = { id: id, name: name, type: spec.type === "date" ? "date" : "text", autocomplete: "off" };
      if (spec.type !== "date") { attrs.inputmode = spec.type === "integer" || spec.type === "days" ? "numeric" : "decimal"; }
      if (hint) { attrs["aria-describedby"] = id + "-hint"; }
      box.appendChild(el("input", attrs));
    }
    if (hint && spec.type !== "bool" && spec.type !== "enum") { box.appendChild(hint); }
    return box;
  }

  function buildFacts() {
    factsBox.textContent = "";
    var v = data.violations[select.value];
    var own = violationFacts(v);
    var first = el("fieldset", {}, [el("legend", { text: "本项违法行为的事实 " }, [en("facts this violation's rules read")])]);
    own.forEach(function (n) { first.appendChild(factField(n)); });
    if (!own.length) { first.appendChild(el("p", { text: "本项规则未读取专门事实。" }, [en("This violation's rules read no specific facts.")])); }
    factsBox.appendChild(first);
    var law = el("fieldset", {}, [el("legend", { text: "法定情节（行政处罚法） " }, [en("statutory circumstances (Administrative Penalty Law)")])]);
    LAW_FACTS.filter(function (n) { return own.indexOf(n) < 0 && data.facts[n]; }).forEach(function (n) { law.appendChild(factField(n)); });
    factsBox.appendChild(law);
  }

  function readCase() {
    var facts = {};
    Array.prototype.forEach.call(factsBox.querySelectorAll(".fact"), function (box) {
      var name = box.getAttribute("data-fact"), spec = data.facts[name];
      if (spec.type === "bool") {
        var checked = box.querySelector("input:checked");
        if (checked && checked.value !== "") { facts[name] = checked.value === "true"; }
      } else {
        var input = box.querySelector("input, select");
        if (input.value.trim() !== "") { facts[name] = input.value.trim(); }
      }
    });
    return { violation: select.value, facts: facts };
  }

  function list(items, render) { var ul = el("ul"); items.forEach(function (x) { ul.appendChild(el("li", {}, render(x))); }); return ul; }

  // Reasons read from the trace, as discretion.reasons does in Python: why this outcome (the rule that
  // decided and the conditions it met), and why not each list item that did not apply (what failed).
  function reasons(r) {
    var out = [r.reason];
    function wording(c) { return c.zh || c.when; }
    r.trace.forEach(function (s) {
      if (s.matched === true && (s.rule === r.list_item || (r.tier && s.kind === "tier" && s.rule.endsWith("/" + r.tier)))) {
        out.push("符合" + (s.kind === "tier" ? "裁量阶次 " : "清单事项 ") + s.rule + "：" + s.conditions.map(wording).join("；"));
      }
      if (s.kind === "statute" && s.matched === true && s.note) { out.push("依照" + s.rule + "：" + s.note); }
      if (s.kind === "list_item" && s.matched !== true) {
        var failed = s.conditions.filter(function (c) { return c.value !== true; }).map(function (c) {
          return (c.value === null ? "无法确定『" : "不满足『") + wording(c) + "』";
        });
        out.push("不适用清单事项 " + s.rule + "：" + failed.join("；"));
      }
    });
    return out;
  }

  function show(answer) {
    out.textContent = "";
    if (answer.errors.length) {
      out.appendChild(el("div", { "class": "errors", role: "alert" }, [el("p", { text: "请检查输入：" }, [en("Please check:")]),
        list(answer.errors, function (e) { return [e.message]; })]));
      out.setAttribute("data-outcome", "");
      return;
    }
    var r = answer.recommendation;
    out.setAttribute("data-outcome", r.outcome);
    out.setAttribute("data-fine", r.fine ? r.fine.min + "-" + r.fine.max : "");
    var box = el("div", { "class": "result" });
    box.appendChild(el("p", { "class": "outcome", id: "outcome" }, [r.label.zh, en(r.label.en)]));
    box.appendChild(el("p", { text: r.mandatory ? "应当（羁束）" : "可以（裁量）" }, [en(r.mandatory ? "mandatory" : "discretionary"),
      r.alternatives.length ? " — 可选：" + r.alternatives.map(function (o) { return data.vocabulary.outcomes[o].zh; }).join("、") : ""]));
    var dl = el("dl", { "class": "meta" });
    function row(term, value) { if (value) { dl.appendChild(el("dt", {}, term)); dl.appendChild(el("dd", {}, [value])); } }
    row(["罚款", en("fine")], r.fine ? el("span", { id: "fine", text: r.fine.min + " – " + r.fine.max + " 元" }) : null);
    row(["处罚种类", en("penalties")], r.penalties.length ? list(r.penalties, function (p) { return [p.zh + (p.optional ? "（可以并处）" : ""), en(p.en)]; }) : null);
    row(["措施", en("measures")], r.measures.length ? list(r.measures, function (m) { return [m.zh, en(m.en)]; }) : null);
    row(["理由", en("reasons")], list(reasons(r), function (x) { return [x]; }));
    row(["适用清单项", en("list item")], r.list_item ? el("span", { text: r.list_item }) : null);
    row(["裁量阶次", en("tier")], r.tier ? el("span", { text: r.tier }) : null);
    row(["法定幅度", en("statutory band")], r.band ? el("span", { text: r.band }) : null);
    row(["程序提示", en("flags")], r.flags.length ? list(r.flags, function (f) { return [f.zh + (f.article ? "（" + f.article + "）" : ""), en(f.en)]; }) : null);
    row(["依据", en("citations")], list(r.citations, function (c) { return [c]; }));
    box.appendChild(dl);
    var details = el("details", { "class": "trace" }, [el("summary", { text: "规则轨迹 " }, [en("every rule considered")])]);
    details.appendChild(list(r.trace, function (s) {
      var parts = [el("span", { "class": "v-" + String(s.matched), text: s.rule + " (" + s.kind + ")" })];
      if (s.conditions.length) {
        parts.push(list(s.conditions, function (c) { return [el("span", { "class": "v-" + String(c.value), text: c.zh || c.when })]; }));
      }
      return parts;
    }));
    box.appendChild(details);
    out.appendChild(box);
  }

  Object.keys(data.violations).forEach(function (id) {
    var v = data.violations[id];
    select.appendChild(el("option", { value: id, text: v.title.zh + (v.title.en ? " — " + v.title.en : "") }));
  });
  select.addEventListener("change", function () { buildFacts(); out.textContent = ""; });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    show(DiscretionEvaluator.evaluate(data, readCase()));
  });
  var params = new URLSearchParams(window.location.search);
  if (params.get("violation") && data.violations[params.get("violation")]) { select.value = params.get("violation"); }
  buildFacts();
  window.discretionCalculator = { data: data, readCase: readCase, evaluate: function (c) { return DiscretionEvaluator.evaluate(data, c); } };
}());
