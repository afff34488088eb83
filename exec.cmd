@rem cmd.exe, the shell npm runs scripts with on Windows, has no `exec`. Looking a command up, cmd tries
@rem the current folder first, so the `exec` of `npm start` (package.json) finds this file and runs the rest
@rem of its line: `exec node <flags> packages/server/bin/gatehouse.js start` works there too. POSIX shells use their
@rem built-in exec and never read this file. Why `npm start` execs: docs/deployment.md, "Graceful shutdown".
@%*
