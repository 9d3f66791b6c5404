-- Argo CD health of a lathe.dev ModelDeployment, read from its conditions (api/
-- ModelDeploymentStatus: Accepted, Available, Progressing, Degraded, RolledBack, Ready).
-- A rollout that waits for a person (paused, or a step awaiting approval) is Suspended; one rolled
-- back or aborted (RolledBack=True, or Degraded=True with GateFailed or RolloutAborted) is Degraded.
local hs = {}
local waitsForAPerson = {RolloutPaused = true, AwaitingApproval = true, GateInconclusive = true, GateUnavailable = true, ApprovalRefused = true}
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
local accepted, degraded, rolledBack = condition("Accepted"), condition("Degraded"), condition("RolledBack")
local progressing, available, ready = condition("Progressing"), condition("Available"), condition("Ready")
if accepted ~= nil and accepted.status == "False" then
  hs.status = "Degraded"; hs.message = said(accepted); return hs
end
if rolledBack ~= nil and rolledBack.status == "True" then
  hs.status = "Degraded"; hs.message = said(rolledBack); return hs
end
if degraded ~= nil and degraded.status == "True" then
  hs.status = "Degraded"; hs.message = said(degraded); return hs
end
if progressing ~= nil and progressing.status == "True" then
  if waitsForAPerson[progressing.reason] then
    hs.status = "Suspended"; hs.message = said(progressing)
  else
    hs.status = "Progressing"; hs.message = said(progressing)
  end
  return hs
end
if (ready ~= nil and ready.status == "True") or (ready == nil and available ~= nil and available.status == "True") then
  hs.status = "Healthy"; hs.message = said(ready or available); return hs
end
hs.status = "Progressing"
if available ~= nil then hs.message = said(available) else hs.message = "waiting for serving pods" end
return hs
