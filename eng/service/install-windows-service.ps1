# Registers the Lantern audit gateway as a Windows service (docs/gateway.md, "Running as a service").
# Run in an elevated PowerShell. Ollama must listen on 127.0.0.1:11435:
#   [Environment]::SetEnvironmentVariable('OLLAMA_HOST', '127.0.0.1:11435', 'Machine')  # then restart Ollama
param(
    [string]$Lantern = "$env:ProgramFiles\Lantern\lantern.exe",
    [string]$Config = "$env:ProgramData\Lantern\gateway.yaml"
)
$ErrorActionPreference = 'Stop'
New-Service -Name 'LanternGateway' -DisplayName 'Lantern audit gateway' `
    -Description 'Records and governs calls to local inference servers (Ollama, llama-server, LM Studio, vLLM).' `
    -BinaryPathName "`"$Lantern`" gateway --config `"$Config`"" -StartupType Automatic
# Restart on failure after 2 s, three times a day at most.
sc.exe failure LanternGateway reset= 86400 actions= restart/2000/restart/2000/restart/2000 | Out-Null
Start-Service LanternGateway
# Equivalent with sc.exe only:
#   sc.exe create LanternGateway binPath= "\"C:\Program Files\Lantern\lantern.exe\" gateway --config \"C:\ProgramData\Lantern\gateway.yaml\"" start= auto
