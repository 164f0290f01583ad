package SCTest;

# The test harness: each test file starts a real nginx (the packaged
# /usr/sbin/nginx) with the built module, from a configuration written into
# a temporary directory, on free loopback ports; talks HTTP to it; stops it;
# and fails if the error log holds [alert], [emerg] or a sanitizer report.
# Core Perl only.

use strict;
use warnings;

use Cwd qw(abs_path);
use File::Basename qw(dirname);
use File::Path qw(make_path);
use File::Temp qw(tempdir);
use IO::Socket::INET;
use IO::Socket::IP;
use IO::Select;
use POSIX qw(:sys_wait_h);
use Time::HiRes qw(sleep time);
use Test::More;

our $ROOT = abs_path(dirname(__FILE__) . '/../..');
our $NGINX = $ENV{SC_NGINX} // '/usr/sbin/nginx';
our $MODULE = $ENV{SC_MODULE}
    ? abs_path($ENV{SC_MODULE})
    : "$ROOT/build/ngx_http_security_contact_module.so";

sub new {
    my ($class, %opts) = @_;

    my $self = bless {
        dir => tempdir('sc-test-XXXXXX', TMPDIR => 1,
                       CLEANUP => !$ENV{SC_KEEP}),
        workers => $opts{workers} // 1,
        ports => [],
        log_ok => [],
        %opts,
    }, $class;

    chmod 0755, $self->{dir};
    diag("test dir $self->{dir}") if $ENV{SC_KEEP};

    die "module not built: $MODULE (run make module)\n"
        unless $ENV{SC_STATIC} || -f $MODULE;

    return $self;
}

sub dir { $_[0]{dir} }

# A free TCP port on the loopback, remembered by index for %%PORT_n%%.
sub port {
    my ($self, $n) = @_;
    $n //= 0;

    until (defined $self->{ports}[$n]) {
        my $s = IO::Socket::INET->new(Listen => 1, LocalAddr => '127.0.0.1',
                                      LocalPort => 0, ReuseAddr => 1)
            or die "no free port: $!";
        my $p = $s->sockport;
        close $s;
        next if grep { defined && $_ == $p } @{$self->{ports}};
        $self->{ports}[$n] = $p;
    }

    return $self->{ports}[$n];
}

sub expand {
    my ($self, $text) = @_;
    $text =~ s/%%PORT_(\d+)%%/$self->port($1)/ge;
    $text =~ s/%%DIR%%/$self->{dir}/g;
    $text =~ s/%%ROOT%%/$ROOT/g;
    return $text;
}

sub write_file {
    my ($self, $name, $content, $mode) = @_;
    my $path = $name =~ m{^/} ? $name : "$self->{dir}/$name";
    make_path(dirname($path));
    open my $fh, '>:raw', $path or die "$path: $!";
    print $fh $content;
    close $fh;
    chmod $mode, $path if defined $mode;
    return $path;
}

sub read_file {
    my ($self, $name) = @_;
    my $path = $name =~ m{^/} ? $name : "$self->{dir}/$name";
    open my $fh, '<:raw', $path or return undef;
    local $/;
    return scalar <$fh>;
}

# Writes nginx.conf: the module, a private error log, pid and temp paths,
# then the http{} block given.  %%PORT_n%% and %%DIR%% are expanded.
sub write_conf {
    my ($self, $http, %opts) = @_;
    my $dir = $self->{dir};
    my $main = $opts{main} // '';
    my $events = $opts{events} // '';
    my $workers = $opts{workers} // $self->{workers};
    my $level = $opts{log_level} // 'info';

    # a static nginx has the module compiled in
    my $load = $ENV{SC_STATIC} ? '' : "load_module $MODULE;";

    my $master = ($opts{master} // 1) ? 'on' : 'off';

    my $conf = <<"EOF";
$load
daemon off;
master_process $master;
worker_processes $workers;
error_log $dir/error.log $level;
pid $dir/nginx.pid;
$main
events {
    worker_connections 1024;
    $events
}

http {
    access_log $dir/access.log;
    client_body_temp_path $dir/tmp_body;
    proxy_temp_path $dir/tmp_proxy;
    fastcgi_temp_path $dir/tmp_fastcgi;
    uwsgi_temp_path $dir/tmp_uwsgi;
    scgi_temp_path $dir/tmp_scgi;

$http
}
EOF

    $self->write_file('nginx.conf', $self->expand($conf));
    return $self;
}

# SC_VALGRIND=1 runs nginx, master and workers, under valgrind's memcheck;
# what it finds goes to sanitizer/valgrind.PID and fails the test
sub wrapper {
    my ($self) = @_;
    return () unless $ENV{SC_VALGRIND};
    my $logs = "$self->{dir}/sanitizer";
    mkdir $logs;
    chmod 01777, $logs;
    return ('valgrind', '--quiet', '--trace-children=yes', '--vgdb=no',
            '--leak-check=no', '--track-origins=yes',
            "--log-file=$logs/valgrind.%p");
}

sub env {
    my ($self) = @_;
    my %env;

    if ($ENV{SC_SANITIZE}) {
        my @libs = map {
            my $p = `gcc -print-file-name=$_`; chomp $p; $p
        } qw(libasan.so libubsan.so);

        # the workers run as an unprivileged user: they must be able to
        # write their reports
        my $logs = "$self->{dir}/sanitizer";
        mkdir $logs;
        chmod 01777, $logs;

        $env{LD_PRELOAD} = join ' ', @libs;
        $env{ASAN_OPTIONS} = "detect_leaks=0:log_path=$logs/asan"
            . ':abort_on_error=0:detect_odr_violation=0';
        $env{UBSAN_OPTIONS} = "print_stacktrace=1:log_path=$logs/ubsan";
    }

    # a test's own: LD_PRELOAD comes after the sanitizers' runtimes
    my %own = %{$self->{env} // {}};
    if (defined(my $preload = delete $own{LD_PRELOAD})) {
        $env{LD_PRELOAD} = join ' ', grep { defined } $env{LD_PRELOAD},
                                                      $preload;
    }

    return (%env, %own);
}

# nginx -t: returns (exit status, output)
sub test_conf {
    my ($self) = @_;
    my %env = $self->env;
    local @ENV{keys %env} = values %env;
    my $out = `$NGINX -t -p $self->{dir} -c $self->{dir}/nginx.conf 2>&1`;
    return ($? >> 8, $out);
}

sub start {
    my ($self, %opts) = @_;
    my %env = $self->env;

    unlink "$self->{dir}/nginx.pid";

    my $pid = fork // die "fork: $!";

    if ($pid == 0) {
        @ENV{keys %env} = values %env;
        open STDOUT, '>>', "$self->{dir}/stderr.log";
        open STDERR, '>>', "$self->{dir}/stderr.log";
        exec $self->wrapper, $NGINX, '-p', $self->{dir}, '-c',
            "$self->{dir}/nginx.conf";
        die "exec: $!";
    }

    $self->{pid} = $pid;

    # ready once every listening port answers and the workers are up
    my @ports = grep { defined } @{$self->{ports}};
    @ports = @{$opts{ports}} if $opts{ports};

    my $deadline = time + ($ENV{SC_VALGRIND} ? 60 : 10);

    while (time < $deadline) {
        if (waitpid($pid, WNOHANG) == $pid) {
            delete $self->{pid};
            die "nginx exited at start:\n" . ($self->read_file('error.log')
                // '') . ($self->read_file('stderr.log') // '');
        }

        my $up = 0;
        for my $p (@ports) {
            my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1',
                                          PeerPort => $p, Timeout => 1);
            $up++ if $s;
        }

        if ($up == @ports && -s "$self->{dir}/nginx.pid") {
            $self->wait_workers;
            return $self;
        }

        sleep 0.05;
    }

    die "nginx did not start listening on @ports";
}

sub worker_pids {
    my ($self) = @_;
    return $self->worker_pids_of($self->{pid} // return ());
}

sub worker_pids_of {
    my ($self, $master) = @_;
    my @pids;
    opendir my $dh, '/proc' or return ();
    for my $p (grep { /^\d+$/ } readdir $dh) {
        open my $fh, '<', "/proc/$p/stat" or next;
        my $stat = <$fh>;
        next unless $stat && $stat =~ /^\d+ \(.*?\) \S (\d+)/;
        push @pids, $p if $1 == $master;
    }
    return sort { $a <=> $b } @pids;
}

sub wait_workers {
    my ($self, $n) = @_;
    $n //= $self->{workers};
    my $deadline = time + ($ENV{SC_VALGRIND} ? 60 : 10);
    while (time < $deadline) {
        my @pids = $self->worker_pids;
        return 1 if @pids >= $n;
        sleep 0.05;
    }
    return 0;
}

sub run {
    my ($self, $http, %opts) = @_;
    $self->write_conf($http, %opts) if defined $http;
    return $self->start(%opts);
}

# reload: HUP the master, wait until the old workers are gone
sub reload {
    my ($self) = @_;
    my @old = $self->worker_pids;
    kill 'HUP', $self->{pid};
    my $deadline = time + 10;
    while (time < $deadline) {
        my @pids = $self->worker_pids;
        my %now = map { $_ => 1 } @pids;
        last if !grep { $now{$_} } @old and keys %now >= $self->{workers};
        sleep 0.05;
    }
    return $self;
}

sub stop {
    my ($self) = @_;
    my $pid = delete $self->{pid} or return;

    kill 'QUIT', $pid;
    my $deadline = time + ($ENV{SC_VALGRIND} ? 60 : 10);

    while (time < $deadline) {
        last if waitpid($pid, WNOHANG) == $pid;
        sleep 0.05;
    }

    if (kill 0, $pid) {
        kill 'KILL', $pid;
        waitpid $pid, 0;
        fail('nginx stopped within 10 seconds');
    }

    $self->check_log;
}

# Lines the test expects in the error log at [emerg] or [alert] level.
sub log_ok {
    my ($self, $re) = @_;
    push @{$self->{log_ok}}, $re;
}

sub check_log {
    my ($self) = @_;
    my $log = $self->read_file('error.log') // '';
    my @bad = grep {
        my $line = $_;
        (/\[(alert|emerg|crit)\]/
         || /exited (with code [1-9]|on signal)/)
        && !grep { $line =~ $_ } @{$self->{log_ok}}
    } split /\n/, $log;

    ok(!@bad, 'no [alert], [crit], [emerg] or crashed worker in the error log')
        or diag(join "\n", @bad);

    my @reports;
    if (opendir my $dh, "$self->{dir}/sanitizer") {
        for my $f (sort grep { /^(asan|ubsan|valgrind)\./ } readdir $dh) {
            my $report = $self->read_file("sanitizer/$f") // '';
            push @reports, "$f:\n$report" if $report =~ /\S/;
        }
    }
    my $stderr = $self->read_file('stderr.log') // '';
    push @reports, $stderr
        if $stderr =~ /AddressSanitizer|runtime error:|LeakSanitizer|Can't open file/;
    push @reports, $log if $log =~ /AddressSanitizer|runtime error:/;

    ok(!@reports, 'no sanitizer report') or diag(join "\n", @reports);
}

sub error_log { $_[0]->read_file('error.log') // '' }

# The error log written since the last call (for "this request logged X").
sub new_log {
    my ($self) = @_;
    my $log = $self->error_log;
    my $from = $self->{log_seen} // 0;
    $self->{log_seen} = length $log;
    return substr($log, $from);
}

sub DESTROY {
    my ($self) = @_;
    local $?;
    if (my $pid = delete $self->{pid}) {
        my @workers = $self->worker_pids_of($pid);
        kill 'KILL', $pid, @workers;
        waitpid $pid, 0;
    }
}

# --------------------------------------------------------------- HTTP

# Sends one request over a new connection and parses the answer.
# Options: port (default PORT_0), method, host, headers (array or hash),
# body, addr (local address to bind), peer (default 127.0.0.1).
sub http {
    my ($self, $path, %o) = @_;
    my $method = $o{method} // 'GET';
    my $host = $o{host} // 'localhost';
    my $body = $o{body};

    my $req = "$method $path HTTP/1.1\r\nHost: $host\r\nConnection: close\r\n";
    my @h = ref $o{headers} eq 'HASH' ? %{$o{headers}} : @{$o{headers} // []};
    while (my ($k, $v) = splice @h, 0, 2) {
        $req .= "$k: $v\r\n";
    }
    if (defined $body) {
        $req .= 'Content-Length: ' . length($body) . "\r\n";
    }
    $req .= "\r\n";
    $req .= $body if defined $body;

    return $self->raw($req, %o);
}

sub raw {
    my ($self, $req, %o) = @_;
    my $peer = $o{peer} // '127.0.0.1';
    my $port = $o{port} // $self->port(0);

    my $s = IO::Socket::IP->new(
        PeerAddr => $peer, PeerPort => $port, Proto => 'tcp',
        ($o{addr} ? (LocalAddr => $o{addr}) : ()),
        Timeout => 10,
    ) or die "connect $peer:$port: $@";

    binmode $s;
    print $s $req;
    shutdown($s, 1) if $o{half_close};

    my $resp = '';
    my $deadline = time + ($o{timeout} // 10);
    my $sel = IO::Select->new($s);
    while (time < $deadline) {
        last unless $sel->can_read($deadline - time);
        my $n = sysread($s, my $buf, 65536);
        last unless $n;
        $resp .= $buf;
    }
    close $s;

    return parse_response($resp, $o{method} // 'GET');
}

sub parse_response {
    my ($resp, $method) = @_;

    my ($head, $body) = split /\r\n\r\n/, $resp, 2;
    return { status => 0, raw => $resp, headers => {}, body => '' }
        unless defined $head && $head =~ m{^HTTP/1\.[01] (\d{3})};

    my %r = (status => $1, raw => $resp, headers => {}, body => $body // '');

    for my $line (split /\r\n/, $head) {
        next unless $line =~ /^([^:]+):\s*(.*)$/;
        my $k = lc $1;
        if (exists $r{headers}{$k}) {
            $r{headers}{$k} .= ", $2";
        } else {
            $r{headers}{$k} = $2;
        }
        push @{$r{header_list}}, [$1, $2];
    }

    if (($r{headers}{'transfer-encoding'} // '') =~ /chunked/i) {
        my ($b, $out) = ($r{body}, '');
        while ($b =~ s/^([0-9a-fA-F]+)\r\n//) {
            my $n = hex $1;
            last if $n == 0;
            $out .= substr($b, 0, $n, '');
            $b =~ s/^\r\n//;
        }
        $r{body} = $out;
    }

    return \%r;
}

# An https request through curl (IO::Socket::SSL is not core Perl).
sub https {
    my ($self, $path, %o) = @_;
    my $port = $o{port} // die 'https needs a port';
    my $host = $o{host} // 'localhost';
    my @h = ref $o{headers} eq 'HASH' ? %{$o{headers}} : @{$o{headers} // []};
    my @args = ('curl', '-sk', '-i', '--http1.1', '--max-time', '10',
                '--resolve', "$host:$port:127.0.0.1");
    push @args, '-X', $o{method} if $o{method} && $o{method} ne 'HEAD';
    push @args, '-I' if ($o{method} // '') eq 'HEAD';
    while (my ($k, $v) = splice @h, 0, 2) {
        push @args, '-H', "$k: $v";
    }
    push @args, "https://$host:$port$path";

    open my $fh, '-|', @args or die "curl: $!";
    binmode $fh;
    local $/;
    my $resp = <$fh>;
    close $fh;

    return parse_response($resp // '', $o{method} // 'GET');
}

# A multipart/form-data body: [name => value] or
# [name => { filename => ..., type => ..., data => ... }]
sub multipart {
    my ($boundary, @parts) = @_;
    my $body = '';
    for my $p (@parts) {
        my ($name, $v) = @$p;
        $body .= "--$boundary\r\n";
        if (ref $v) {
            $body .= "Content-Disposition: form-data; name=\"$name\"; "
                . "filename=\"$v->{filename}\"\r\n"
                . "Content-Type: $v->{type}\r\n\r\n$v->{data}\r\n";
        } else {
            $body .= "Content-Disposition: form-data; name=\"$name\"\r\n"
                . "\r\n$v\r\n";
        }
    }
    return $body . "--$boundary--\r\n";
}

# "Wed, 25 Nov 2026 00:00:00 GMT" to Unix time
sub http_date {
    my ($s) = @_;
    my %mon = (Jan => 0, Feb => 1, Mar => 2, Apr => 3, May => 4, Jun => 5,
               Jul => 6, Aug => 7, Sep => 8, Oct => 9, Nov => 10, Dec => 11);
    return undef unless defined $s
        && $s =~ /^\w{3}, (\d\d) (\w{3}) (\d{4}) (\d\d):(\d\d):(\d\d) GMT$/;
    require Time::Local;
    return Time::Local::timegm($6, $5, $4, $1, $mon{$2}, $3);
}

# A self-signed certificate for the test's https servers.
sub make_cert {
    my ($self, $name) = @_;
    $name //= 'localhost';
    my $dir = $self->{dir};
    system('openssl', 'req', '-x509', '-newkey', 'ec',
           '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
           '-keyout', "$dir/cert.key", '-out', "$dir/cert.pem",
           '-days', '2', '-subj', "/CN=$name",
           '-addext', "subjectAltName=DNS:$name") == 0
        or die 'openssl req failed';
    system("chmod 0644 $dir/cert.key $dir/cert.pem");
    return ("$dir/cert.pem", "$dir/cert.key");
}

1;
