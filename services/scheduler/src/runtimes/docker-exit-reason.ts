/** Why a container exited, for events and logs. */
export function exitReason(exitCode: number, oomKilled: boolean, error: string | undefined): string {
  if (error) return `error: ${error}`;
  // podman (cgroup v1) leaves OOMKilled false after an OOM kill: a SIGKILL we did not send is the OOM killer.
  if (oomKilled || exitCode === 137) return "killed: out of memory (exit 137)";
  if (exitCode === 143) return "terminated (exit 143)";
  return `exit code ${exitCode}`;
}
