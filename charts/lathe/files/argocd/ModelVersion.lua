-- Argo CD health of a lathe.dev ModelVersion, read from its conditions (api/ ModelVersionStatus).
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
local accepted, verified, available = condition("Accepted"), condition("Verified"), condition("Available")
if accepted ~= nil and accepted.status == "False" then
  hs.status = "Degraded"; hs.message = said(accepted); return hs
end
-- Verified=False is a verdict (unsigned, tampered, untrusted); Unknown means storage could not be
-- read and the operator retries.
if verified ~= nil and verified.status == "False" then
  hs.status = "Degraded"; hs.message = said(verified); return hs
end
if available ~= nil and available.status == "True" then
  hs.status = "Healthy"; hs.message = said(available); return hs
end
hs.status = "Progressing"
if verified ~= nil then hs.message = said(verified) else hs.message = "waiting for verification" end
return hs
