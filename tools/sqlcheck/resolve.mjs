// dt-sql-parser's ES modules import directories and extensionless files,
// which Node's loader refuses (bundlers accept them). This hook resolves such
// a specifier as a bundler would: the directory's index.js, or the file with
// .js. register.mjs installs it (node --import ./register.mjs check.mjs).
export async function resolve(specifier, context, next) {
  try {
    return await next(specifier, context);
  } catch (err) {
    if (err.code !== 'ERR_UNSUPPORTED_DIR_IMPORT' && err.code !== 'ERR_MODULE_NOT_FOUND') throw err;
    for (const suffix of ['/index.js', '.js']) {
      try {
        return await next(specifier + suffix, context);
      } catch {}
    }
    throw err;
  }
}
