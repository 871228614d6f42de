"""Real servers and sync clients on loopback for the tests (Apache, rclone, moto S3, Syncthing).

Each module starts one kind of server in a temporary folder on a free 127.0.0.1 port and stops
it; ``conftest.py`` turns them into session-scoped fixtures that skip, with the reason, only
when the server's program is not installed (``.ci/run`` installs them).
"""
