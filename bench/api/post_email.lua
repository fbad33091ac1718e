-- wrk script for bench/api: POST /v1/emails with a fixed small message (one recipient,
-- text body). Key, tenant and server are set by bench/api/run through the environment.
local key = os.getenv("BENCH_KEY") or "none"
local tenant = os.getenv("BENCH_TENANT") or "none"
wrk.method = "POST"
wrk.headers["Authorization"] = "Bearer " .. key
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"from":"Bench <bench@mail.bench.test>","to":["bench@ok.test"],' ..
  '"subject":"bench","text":"a short benchmark message","tenantId":"' .. tenant .. '"}'
