// Built as dist/api/named.cjs (tsup.config.ts, `api`): the selected API (./index.cjs) as a named
// export, which our ES chunks import and Node can see (a module whose exports are chosen at run
// time has no names it could detect; a default import means module.exports to Node and `.default`
// of it to the CommonJS conversion of our chunks).
exports.api = require('./index.cjs');
