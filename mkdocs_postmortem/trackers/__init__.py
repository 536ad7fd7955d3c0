"""The issue trackers behind `mkdocs-postmortem sync` and `file-tickets`: GitHub, GitLab and Jira behind
one interface (`base.Tracker`), the bounded-concurrency sync (`sync`) and the committed state file
(`state`). Only `state` is imported by the build, which never touches the network."""
