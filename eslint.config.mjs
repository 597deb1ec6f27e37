// ESLint for the map pages' script. geo/maps/page.py (page_script) inlines map.js after
// Leaflet as the body of `(function (map) { ... })(<folium's map>)`, splices the register
// layer (estates/*.js, register.js) into map.js at its @register@ marker, and runs
// series.js or change.js after it in the same scope: so the scripts are parsed as function
// bodies (globalReturn: their top-level names are local, not globals), and `map` and
// Leaflet's `L` are given. Undefined and unused names are checked on each kind of page's
// whole script as tools/page_scripts.py assembles it (build/page-js/); every other rule
// on each piece in geo/templates/, where a report points at the line to change.
// Run by `make lint` (tools/ensure_eslint.sh installs the pinned packages with `npm ci`).
import js from "@eslint/js";
import globals from "globals";

const page = {
  ...globals.browser,
  L: "readonly", // Leaflet, inlined before the script
  map: "readonly", // the parameter of the function the page wraps the script in
};

export default [
  { ignores: ["node_modules/**", "build/docs/**", ".venv/**", "maps/**", "tests/artifacts/**"] },
  {
    files: ["geo/templates/**/*.js", "build/page-js/*.js"],
    ...js.configs.recommended,
    languageOptions: {
      ecmaVersion: 2020,
      sourceType: "script",
      parserOptions: { ecmaFeatures: { globalReturn: true } },
      globals: page,
    },
    linterOptions: { reportUnusedDisableDirectives: "error" },
    rules: {
      ...js.configs.recommended.rules,
      // `catch (e) { ... }` without using e: the script keeps ES5 syntax (no optional binding).
      "no-unused-vars": ["error", { caughtErrors: "none" }],
      // fold() maps every non-ASCII code unit with /[^\u0000-\u007f]/g on purpose; a range
      // from U+0000 is the plain way to say "not ASCII", and the page's bytes stay as they are.
      "no-control-regex": "off",
    },
  },
  {
    // a piece alone: the names it shares with the others are checked on the whole pages
    files: ["geo/templates/**/*.js"],
    rules: { "no-undef": "off", "no-unused-vars": "off" },
  },
];
