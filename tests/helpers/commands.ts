import { execFileSync } from 'node:child_process';

/**
 * Whether a command-line tool the tests compare against is installed (GDAL's ogrinfo and
 * gdaltransform, poppler's pdftotext): it runs with its version flag and exits 0. .ci/run installs
 * them; on a developer's machine without one, the test that needs it says so and skips.
 */
export function hasCommand(command: string, versionFlag = '--version'): boolean {
  try {
    execFileSync(command, [versionFlag], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
