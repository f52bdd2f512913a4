module kubewalk/tools/godump

go 1.19
