// Differential test driver: read {ruleset, cases} as JSON on stdin, print the page evaluator's answers.
"use strict";
const path = require("path");
const evaluator = require(path.resolve(process.argv[2]));
let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => { input += chunk; });
process.stdin.on("end", () => {
  const data = JSON.parse(input);
  const out = data.cases.map((c) => {
    try {
      return evaluator.evaluate(data.ruleset, c);
    } catch (err) {
      return { crash: String(err && err.stack || err) };
    }
  });
  process.stdout.write(JSON.stringify(out));
});
