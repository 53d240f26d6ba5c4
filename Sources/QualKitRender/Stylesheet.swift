/// The page's CSS: inline, no fonts or images fetched, one column that fits a phone.
enum Stylesheet {
    static let css = """
        :root { color-scheme: light; --qk-accent: #1f5fa8; --qk-muted: #5a6270; --qk-key: #fff7db; --qk-result: #e9f5ec; --qk-error: #b3261e; }
        * { box-sizing: border-box; }
        body { margin: 0; background: #f4f5f7; color: #1d1f23; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
        .qk-page { max-width: 46rem; margin: 0 auto; padding: 1rem; }
        .qk-banner { background: #e8eefb; border-left: 4px solid var(--qk-accent); padding: .5rem .75rem; margin: 0 0 1rem; font-size: .9rem; }
        .qk-summary { border: 2px solid var(--qk-error); color: var(--qk-error); background: #fff; padding: .5rem .75rem; font-weight: 600; }
        .qk-overview, .qk-question { background: #fff; border: 1px solid #d5d9e0; border-radius: 6px; padding: .75rem 1rem 1rem; margin: 0 0 1rem; min-width: 0; }
        .qk-question.qk-has-error { border: 2px solid var(--qk-error); }
        .qk-question legend { font-weight: 600; padding: 0 .35rem; }
        .qk-number { color: var(--qk-muted); }
        .qk-required { color: var(--qk-error); text-decoration: none; border: 0; }
        .qk-sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
        .qk-ident, .qk-id, .qk-hint, .qk-mime { color: var(--qk-muted); font-size: .85rem; }
        .qk-ident { margin: 0 0 .5rem; }
        .qk-hint { margin: .35rem 0 0; padding-left: 1.1rem; }
        .qk-title { font-size: 1.2rem; margin: .25rem 0 .5rem; }
        .qk-text { white-space: pre-line; margin: .5rem 0; }
        .qk-fc { overflow-wrap: anywhere; }
        .qk-fc img, .qk-media img { max-width: 100%; height: auto; }
        .qk-table { max-width: 100%; overflow-x: auto; }
        .qk-fc table { border-collapse: collapse; }
        .qk-fc td, .qk-fc th { border: 1px solid #d5d9e0; padding: .25rem .5rem; }
        .qk-fc pre, .qk-malformed { white-space: pre-wrap; overflow-x: auto; background: #f6f7f9; padding: .5rem; }
        .qk-fc iframe { max-width: 100%; border: 1px solid #d5d9e0; }
        .qk-fc-label > :first-child { margin-top: 0; }
        .qk-fc-label > :last-child { margin-bottom: 0; }
        .qk-choices { margin: .5rem 0; }
        .qk-choice { display: flex; align-items: flex-start; gap: .5rem; padding: .35rem .25rem; border-radius: 4px; }
        .qk-choice input { margin-top: .3rem; flex: none; width: 1.15rem; height: 1.15rem; }
        .qk-choice label { flex: 1; min-width: 0; cursor: pointer; }
        .qk-choice.qk-picked { background: var(--qk-result); outline: 2px solid #3f8f55; }
        .qk-select-label { display: block; margin: .5rem 0 .25rem; font-size: .9rem; }
        select, input[type=text], textarea { font: inherit; width: 100%; max-width: 100%; padding: .45rem .5rem; border: 1px solid #9aa3b0; border-radius: 4px; background: #fff; color: inherit; }
        select[multiple] { min-height: 6rem; }
        input:disabled, select:disabled, textarea:disabled { background: #f6f7f9; color: #1d1f23; opacity: 1; }
        :focus-visible { outline: 3px solid var(--qk-accent); outline-offset: 2px; }
        .qk-other { display: flex; flex-wrap: wrap; align-items: center; gap: .5rem; margin: .5rem 0; }
        .qk-other input, .qk-other textarea { flex: 1; min-width: 12rem; }
        .qk-errors { color: var(--qk-error); font-weight: 600; margin: .5rem 0; padding-left: 1.1rem; }
        .qk-key, .qk-result { border-radius: 4px; padding: .5rem .75rem; margin: .75rem 0 0; font-size: .9rem; }
        .qk-key { background: var(--qk-key); border: 1px solid #e6cf7a; }
        .qk-result { background: var(--qk-result); border: 1px solid #9bcaa6; }
        .qk-key-summary, .qk-result-summary { margin: 0 0 1rem; }
        .qk-key h2, .qk-result h2 { font-size: 1.05rem; margin: 0 0 .35rem; }
        .qk-key table { border-collapse: collapse; width: 100%; }
        .qk-key caption { text-align: left; font-weight: 600; }
        .qk-key th, .qk-key td { text-align: left; border-bottom: 1px solid #e6cf7a; padding: .2rem .35rem; vertical-align: top; }
        .qk-key .qk-score { text-align: right; white-space: nowrap; width: 4rem; }
        .qk-key tr.qk-matched { background: var(--qk-result); font-weight: 600; }
        .qk-key dl { display: grid; grid-template-columns: max-content 1fr; gap: .2rem .75rem; margin: 0; }
        .qk-key dt { font-weight: 600; }
        .qk-key dd { margin: 0; }
        .qk-problem { color: var(--qk-error); }
        .qk-badurl { color: var(--qk-error); overflow-wrap: anywhere; }
        .qk-submit { margin: 1rem 0 2rem; }
        .qk-submit button { font: inherit; font-weight: 600; color: #fff; background: var(--qk-accent); border: 0; border-radius: 4px; padding: .6rem 1.5rem; cursor: pointer; }
        @media (max-width: 36rem) {
          body { font-size: 17px; }
          .qk-page { padding: .5rem; }
          .qk-overview, .qk-question { padding: .5rem .65rem .75rem; border-radius: 0; border-left: 0; border-right: 0; }
          .qk-key dl { grid-template-columns: 1fr; }
          .qk-submit button { width: 100%; padding: .8rem; }
        }
        @media print { body { background: #fff; } .qk-question, .qk-overview { break-inside: avoid; } }

        """
}
