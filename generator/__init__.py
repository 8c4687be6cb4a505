"""frise: YAML events in, a static HTML timeline out.

The subpackages follow the data, each reading only from those before it:

- `content/`: what editors wrote. Reads `content/` into located nodes, checks them
  all at once and returns the frozen model (`Timeline`). Every mistake is found here.
- `site/`: what readers get. Pure functions from the model to the site's plan and
  each file's bytes: views, pages, feeds, exports, search; and the only writer of the
  output folder (`site.output`).
- `build/`: how a build runs at any size: the stages in order (`build.pipeline`),
  the fingerprints and caches that let a rebuild skip unchanged work, the worker
  processes.
- `commands/`: what users type: the `frise` CLI, the dev server, `new`/`init` and
  `import`.

`errors.py` is the one error family all of them raise; `heap.py` says when Python's
cycle collector runs during a build, in this process and in the workers it forks.
"""
