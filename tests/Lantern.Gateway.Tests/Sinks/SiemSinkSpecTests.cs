using Lantern.Gateway.Sinks;

namespace Lantern.Gateway.Tests.Sinks;

public class SiemSinkSpecTests
{
    [Theory]
    [InlineData("syslog+udp://siem.example:514?format=rfc5424", SiemSinkKind.SyslogUdp, SiemFormat.Rfc5424, "siem.example", 514)]
    [InlineData("syslog+udp://siem.example?format=cef", SiemSinkKind.SyslogUdp, SiemFormat.Cef, "siem.example", 514)]
    [InlineData("syslog+tcp://10.0.0.5", SiemSinkKind.SyslogTcp, SiemFormat.Rfc5424, "10.0.0.5", 601)]
    [InlineData("syslog+tcp://10.0.0.5:80", SiemSinkKind.SyslogTcp, SiemFormat.Rfc5424, "10.0.0.5", 80)]
    [InlineData("syslog+tls://[::1]", SiemSinkKind.SyslogTls, SiemFormat.Rfc5424, "::1", 6514)]
    [InlineData("syslog+tls://siem:443", SiemSinkKind.SyslogTls, SiemFormat.Rfc5424, "siem", 443)]
    [InlineData("splunk-hec://splunk:8088?token_env=SPLUNK_HEC_TOKEN", SiemSinkKind.SplunkHec, SiemFormat.SplunkHec, "splunk", 8088)]
    [InlineData("otlp+http://collector/v1/logs", SiemSinkKind.OtlpHttp, SiemFormat.OtlpJson, "collector", 4318)]
    [InlineData("ocsf+https://lake.example/ingest", SiemSinkKind.OcsfHttp, SiemFormat.Ocsf, "lake.example", 443)]
    public void Parse_ValidUri_KindFormatHostPort(string uri, SiemSinkKind kind, SiemFormat format, string host, int port)
    {
        SiemSinkSpec spec = SiemSinkSpec.Parse(uri);
        Assert.Equal(kind, spec.Kind);
        Assert.Equal(format, spec.Format);
        Assert.Equal(host, spec.Host);
        Assert.Equal(port, spec.Port);
    }

    [Fact]
    public void Parse_SplunkHec_HttpsByDefaultWithCollectorPathAndParameters()
    {
        SiemSinkSpec spec = SiemSinkSpec.Parse("splunk-hec://splunk:8088?token_env=SPLUNK_HEC_TOKEN&index=ai&sourcetype=lantern:inference&source=gw1");
        Assert.Equal(new Uri("https://splunk:8088/services/collector/event"), spec.Endpoint);
        Assert.Equal("SPLUNK_HEC_TOKEN", spec.TokenEnvironmentVariable);
        Assert.Equal("ai", spec.Index);
        Assert.Equal("gw1", spec.Source);
        Assert.Equal("lantern:inference", spec.SourceType);

        SiemSinkSpec plain = SiemSinkSpec.Parse("splunk-hec+http://splunk?token_file=/etc/lantern/hec.token");
        Assert.Equal(new Uri("http://splunk:8088/services/collector/event"), plain.Endpoint);
        Assert.Equal("/etc/lantern/hec.token", plain.TokenFile);
    }

    [Fact]
    public void Parse_SyslogParameters_FacilityAppNameHostnameAndTls()
    {
        SiemSinkSpec spec = SiemSinkSpec.Parse("syslog+tls://siem:6514?ca=/etc/ssl/siem-ca.pem&insecure=false&facility=local4&app-name=gw&hostname=gw01.corp");
        Assert.Equal(20, spec.Facility);
        Assert.Equal("gw", spec.AppName);
        Assert.Equal("gw01.corp", spec.Hostname);
        Assert.Equal("/etc/ssl/siem-ca.pem", spec.CaFile);
        Assert.False(spec.Insecure);
        Assert.Equal(13, SiemSinkSpec.Parse("syslog+udp://siem").Facility);
        Assert.Equal(10, SiemSinkSpec.Parse("syslog+udp://siem?facility=10").Facility);
        Assert.Equal(32473, SiemSinkSpec.Parse("syslog+udp://siem").Pen);
        Assert.Equal(99999, SiemSinkSpec.Parse("syslog+udp://siem?pen=99999").Pen);
    }

    [Fact]
    public void Parse_File_PathAndFormat()
    {
        SiemSinkSpec spec = SiemSinkSpec.Parse("file:///var/log/lantern/events.jsonl?format=ocsf");
        Assert.Equal(SiemSinkKind.File, spec.Kind);
        Assert.Equal("/var/log/lantern/events.jsonl", spec.FilePath);
        Assert.Equal(SiemFormat.Ocsf, spec.Format);
        Assert.Equal(SiemFormat.Jsonl, SiemSinkSpec.Parse("file:///tmp/e.jsonl").Format);
    }

    [Theory]
    [InlineData("splunk-hec://splunk:8088?token=abcd-1234")]
    [InlineData("splunk-hec://user:abcd-1234@splunk:8088?token_env=X")]
    [InlineData("otlp+http://collector?password=x")]
    public void Parse_LiteralSecret_RefusedWithReason(string uri)
    {
        var ex = Assert.Throws<SiemSinkSpecException>(() => SiemSinkSpec.Parse(uri));
        Assert.Contains("leak", ex.Message);
        Assert.DoesNotContain("abcd-1234", ex.Message);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("siem.example:514", "not a URI")]
    [InlineData("gopher://siem", "unknown sink scheme")]
    [InlineData("syslog+udp://siem?colour=blue", "does not take parameter 'colour'")]
    [InlineData("syslog+udp://siem?facility=99", "facility")]
    [InlineData("syslog+udp://siem?format=xml", "format 'xml'")]
    [InlineData("syslog+udp://siem?max_size=100", "max_size")]
    [InlineData("syslog+tcp://siem?ca=/x.pem", "does not take parameter 'ca'")]
    [InlineData("syslog+tls://siem?ca=relative.pem", "absolute")]
    [InlineData("syslog+tls://siem?ca=/x.pem&insecure=true", "pointless")]
    [InlineData("syslog+udp://siem/path", "path")]
    [InlineData("syslog+udp://siem?app_name=has space", "app_name")]
    [InlineData("splunk-hec://splunk", "token_env")]
    [InlineData("splunk-hec://splunk?token_env=A&token_file=/t", "exactly one")]
    [InlineData("splunk-hec://splunk?token_env=abc-def-123", "names an environment variable")]
    [InlineData("file://relative/x.jsonl", "file:///absolute")]
    [InlineData("syslog+udp://siem?facility=1&facility=2", "repeats")]
    [InlineData("syslog+udp://siem:99999", "valid URI")]
    [InlineData("syslog+udp://siem?pen=-5", "pen")]
    public void Parse_Malformed_ClearError(string uri, string expected)
    {
        var ex = Assert.Throws<SiemSinkSpecException>(() => SiemSinkSpec.Parse(uri));
        Assert.Contains(expected, ex.Message);
    }

    [Fact]
    public void Id_StableAndDistinctPerDestination()
    {
        Assert.Equal(SiemSinkSpec.Parse("syslog+tcp://a:601").Id, SiemSinkSpec.Parse("syslog+tcp://a:601?app_name=x").Id);
        Assert.NotEqual(SiemSinkSpec.Parse("syslog+tcp://a:601").Id, SiemSinkSpec.Parse("syslog+tcp://b:601").Id);
        Assert.StartsWith("syslog-tcp-", SiemSinkSpec.Parse("syslog+tcp://a").Id);
    }

    [Fact]
    public void DisplayName_HasNoParameters()
    {
        SiemSinkSpec spec = SiemSinkSpec.Parse("splunk-hec://splunk:8088?token_env=SPLUNK_HEC_TOKEN&index=ai");
        Assert.Equal("splunk-hec://splunk:8088/services/collector/event", spec.DisplayName);
    }
}
