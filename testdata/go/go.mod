module example.com/memgate/gofixtures

go 1.19
