"""What users type. Each command is thin: it calls `content`, `site` and `build`,
then turns errors into `file:line:col: error: ...` lines and an exit status.

- `cli`: the `frise` command (`build`, `check`, `serve`, `new`, `init`, `import`).
- `serve`: the dev server: one build kept in memory, rebuilt on each save; its page
  script (`reload.js`) reloads the browser or shows the errors.
- `scaffold`: `frise new` and `frise init`: files an editor starts from.
- `importer`: a TimelineJS sheet (CSV) → one YAML file per event.
"""
