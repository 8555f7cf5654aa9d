"""`python -m benchmarks`: run the whole benchmark suite and write the reports."""

from benchmarks.runner import main

raise SystemExit(main())
