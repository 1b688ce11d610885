// Bundles src/ into ../static with esbuild: one script, one stylesheet, one page. No CDN.
import { build } from "esbuild";
import { copyFileSync, mkdirSync, rmSync } from "node:fs";

const out = new URL("../static/", import.meta.url).pathname;
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
await build({
  entryPoints: ["src/main.js"],
  bundle: true,
  minify: true,
  format: "esm",
  target: ["es2020"],
  outfile: out + "app.js",
  loader: { ".json": "json" },
  legalComments: "linked",
  logLevel: "warning",
});
copyFileSync("src/index.html", out + "index.html");
copyFileSync("src/style.css", out + "style.css");
console.log("built " + out);
