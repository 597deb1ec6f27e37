// ESLint for the map page's script (geo/templates/*.js). geo/maps/page.py inlines map.js
// after Leaflet as the body of `(function (map) { ... })(<folium's map>)`, and splices
// register.js into map.js at its @register@ marker: so the files are parsed as function
// bodies (globalReturn: their top-level names are local, not globals), `map` and Leaflet's
// `L` are given, and register.js sees the names map.js declares before the marker.
// Run by `make lint` (tools/ensure_eslint.sh installs the pinned packages with `npm ci`).
import js from "@eslint/js";
import globals from "globals";

const page = {
  ...globals.browser,
  L: "readonly", // Leaflet, inlined before the script
  map: "readonly", // the parameter of the function the page wraps the script in
};

// map.js's names that register.js (spliced into it) uses.
const fromMapJs = Object.fromEntries(
  ["D", "S", "el", "fill", "num", "provinceName", "container", "side", "clearOfPanels"].map((n) => [n, "readonly"]),
);

export default [
  { ignores: ["node_modules/**", "build/**", ".venv/**", "maps/**", "tests/artifacts/**"] },
  {
    files: ["geo/templates/**/*.js"],
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
    files: ["geo/templates/register.js"],
    languageOptions: {
      globals: { ...page, ...fromMapJs, pointGroup: "writable", drawPoints: "writable" },
    },
  },
];
