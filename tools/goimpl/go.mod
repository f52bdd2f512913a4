module kubewalk/tools/goimpl

go 1.19
