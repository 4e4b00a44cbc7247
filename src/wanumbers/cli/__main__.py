from wanumbers.cli import main

main()
