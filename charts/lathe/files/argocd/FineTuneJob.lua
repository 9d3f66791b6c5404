-- Argo CD health of a lathe.dev FineTuneJob, read from its conditions (api/ FineTuneJobStatus).
local hs = {}
local function condition(kind)
  if obj.status ~= nil and obj.status.conditions ~= nil then
    for _, c in ipairs(obj.status.conditions) do
      if c.type == kind then return c end
    end
  end
  return nil
end
local function said(c) return (c.reason or "") .. ": " .. (c.message or "") end

if obj.status == nil or obj.status.observedGeneration == nil
    or obj.status.observedGeneration < obj.metadata.generation then
  hs.status = "Progressing"
  hs.message = "waiting for the operator to observe generation " .. tostring(obj.metadata.generation)
  return hs
end
local failed, succeeded = condition("Failed"), condition("Succeeded")
local accepted, queued, running = condition("Accepted"), condition("Queued"), condition("Running")
if failed ~= nil and failed.status == "True" then
  hs.status = "Degraded"; hs.message = said(failed); return hs
end
if accepted ~= nil and accepted.status == "False" then
  hs.status = "Degraded"; hs.message = said(accepted); return hs
end
if succeeded ~= nil and succeeded.status == "True" then
  hs.status = "Healthy"; hs.message = said(succeeded); return hs
end
if queued ~= nil and queued.status == "True" then
  hs.status = "Suspended"; hs.message = said(queued); return hs
end
if running ~= nil and running.status == "False" and running.reason == "Suspended" then
  hs.status = "Suspended"; hs.message = said(running); return hs
end
hs.status = "Progressing"
if running ~= nil then hs.message = said(running) else hs.message = "waiting for training to start" end
return hs
