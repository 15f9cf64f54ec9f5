-- wrk script of bench/mixed_bench.py: each request the next URL of a file (one path and query a line), so that
-- nearly every request asks something else. Usage: wrk -s bench/mixed_bench.lua http://host:port/ urls.txt
-- Each of wrk's threads starts at its own place in the file (the second half-way through).
local threads = {}

function setup(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
end

function init(args)
  paths = {}
  for line in io.lines(args[1]) do
    if #line > 0 then paths[#paths + 1] = line end
  end
  i = math.floor((tid or 0) * #paths / 2)
end

function request()
  i = i % #paths + 1
  return wrk.format(nil, paths[i])
end
