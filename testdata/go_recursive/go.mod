module recursive

go 1.19
