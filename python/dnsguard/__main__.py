from dnsguard.cli import main

raise SystemExit(main())
