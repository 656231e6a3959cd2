-- dnsguard lexical DGA score for Suricata 7.0 Lua rules (sid 9073001).
--
-- Scores the label its owner chose (left of the public suffix; a short list
-- of two-level suffixes is known) on five lexical features; a label scores
-- when at least three hold.  The rule matches when a source has asked for
-- MIN_NAMES distinct scoring labels within WINDOW seconds: one such name is
-- what 0.1 % of benign names look like (one host in thirty on a capture of
-- people browsing popular sites), a host drawing DGA names asks for dozens.
-- The same logic is implemented in Python in dnsguard/suricata/lexical.py,
-- where its false-positive rate on data/benign is measured; keep the two in
-- step.
--
-- The counts live in this script's state, which is per detection thread: on
-- a sensor with several worker threads one host's queries spread over them,
-- so a host needs up to MIN_NAMES names per thread unless Suricata balances
-- by IP pair (docs/suricata.md; `dnsguard suricata check-config` tells a
-- sensor's case).  The state is bounded
-- (MIN_NAMES labels per source, MAX_SOURCES sources, then it starts over).
--
-- Needs `security: lua: allow-rules: true` in suricata.yaml and this file in
-- default-rule-path.  Suricata 7.0 API (needs["buffer"] on dns.query).

local TWO_LEVEL = {
  ["co.uk"] = true, ["org.uk"] = true, ["ac.uk"] = true, ["com.cn"] = true,
  ["net.cn"] = true, ["com.br"] = true, ["com.au"] = true, ["net.au"] = true,
  ["co.jp"] = true, ["co.in"] = true, ["com.tr"] = true, ["co.za"] = true,
  ["com.mx"] = true, ["co.kr"] = true, ["com.tw"] = true, ["com.ru"] = true,
}
local VOWELS = { a = true, e = true, i = true, o = true, u = true, y = true }
local MIN_LENGTH = 10
local THRESHOLD = 3
local MIN_NAMES = 3
local WINDOW = 300
local MAX_SOURCES = 65536

-- source address -> up to MIN_NAMES {label, last seen} pairs, newest last
local recent = {}
local sources = 0

function init(args)
  local needs = {}
  needs["buffer"] = tostring(true)
  return needs
end

local function chosen_label(name)
  local labels = {}
  for label in string.gmatch(name, "[^.]+") do
    labels[#labels + 1] = label
  end
  local n = #labels
  if n >= 3 and TWO_LEVEL[labels[n - 1] .. "." .. labels[n]] then
    return labels[n - 2]
  end
  if n >= 2 then
    return labels[n - 1]
  end
  -- A single label cannot be registered on the internet: Chrome's random
  -- intranet-redirect probes (7-15 letters, off a domain) are not scored.
  return ""
end

local function score(label)
  local len = #label
  if len < MIN_LENGTH then
    return 0
  end
  local letters, vowels, digits, run, best = 0, 0, 0, 0, 0
  local counts = {}
  for i = 1, len do
    local c = string.sub(label, i, i)
    counts[c] = (counts[c] or 0) + 1
    if string.find(c, "%a") then
      letters = letters + 1
      if VOWELS[c] then
        vowels = vowels + 1
        run = 0
      else
        run = run + 1
        if run > best then best = run end
      end
    else
      run = 0
      if string.find(c, "%d") then digits = digits + 1 end
    end
  end
  local entropy = 0
  for _, k in pairs(counts) do
    local p = k / len
    entropy = entropy - p * math.log(p) / math.log(2)
  end
  local ratio = vowels / math.max(1, letters)
  local s = 0
  if best >= 5 then s = s + 1 end
  if ratio < 0.22 then s = s + 1 end
  if digits >= 3 and letters >= 3 then s = s + 1 end
  if entropy >= 3.5 then s = s + 1 end
  if len >= 20 then s = s + 1 end
  return s
end

-- Records a scoring label for a source at time now; true once the source
-- has MIN_NAMES distinct scoring labels within WINDOW seconds.
local function enough_names(source, label, now)
  local seen = recent[source]
  if seen == nil then
    if sources >= MAX_SOURCES then
      recent = {}
      sources = 0
    end
    seen = {}
    sources = sources + 1
  end
  local kept = {}
  for _, entry in ipairs(seen) do
    if entry[1] ~= label and now - entry[2] <= WINDOW then
      kept[#kept + 1] = entry
    end
  end
  kept[#kept + 1] = { label, now }
  if #kept > MIN_NAMES then
    table.remove(kept, 1)
  end
  recent[source] = kept
  return #kept >= MIN_NAMES
end

function match(args)
  local name = args["buffer"]
  if name == nil or #name == 0 then
    return 0
  end
  local label = chosen_label(string.lower(tostring(name)))
  if score(label) < THRESHOLD then
    return 0
  end
  local ok, _, source = pcall(SCFlowTuple)
  local ok_time, _, now = pcall(SCFlowTimestamps)
  if not ok or source == nil or not ok_time or now == nil then
    return 0
  end
  if enough_names(source, label, now) then
    return 1
  end
  return 0
end
