//! A deployment: a price book configured through the platform seam, with
//! the per-request services priced in front of it.

use std::sync::Arc;

use crate::error::{Error, Result};
use crate::platform::{Configured, Setting, model_for};
use crate::pricing::{Offering, PriceBook, ServiceSettings};
use crate::workload::Request;

/// A price book with settings resolved and checked against it: everything
/// needed to run it, validated before any request is read.
#[derive(Debug, Clone)]
pub struct Deployment {
    pub book: PriceBook,
    pub configured: Arc<dyn Configured>,
    /// Per-request services priced alongside (API Gateway), service books.
    pub services: Vec<PriceBook>,
    /// Each service's counts (units per request, storage, capacity), in
    /// the order of `services`.
    pub service_settings: Vec<ServiceSettings>,
}

impl Deployment {
    pub fn resolve(book: PriceBook, settings: &[Setting]) -> Result<Self> {
        let Some(model) = model_for(&book) else {
            return Err(Error::usage(format!(
                "{} is a service priced in front of a platform, not a platform: list it under `services` in a scenario",
                book.id
            )));
        };
        Ok(Deployment {
            configured: Arc::from(model.configure(&book, settings)?),
            book,
            services: Vec::new(),
            service_settings: Vec::new(),
        })
    }

    /// The deployment configured again under `book` (the same book, or
    /// another of its model) with `settings`, keeping the services in front
    /// and their counts.
    pub fn rebuilt(&self, book: PriceBook, settings: &[Setting]) -> Result<Self> {
        let mut deployment = Deployment::resolve(book, settings)?;
        deployment.services = self.services.clone();
        deployment.service_settings = self.service_settings.clone();
        Ok(deployment)
    }

    /// Whether the deployment's platform declares the setting `key`.
    pub fn takes(&self, key: &str) -> bool {
        model_for(&self.book).is_some_and(|model| model.settings().iter().any(|spec| spec.key == key))
    }

    /// Adds per-request services in front of the deployment; each must be
    /// a service price book.
    pub fn with_services(self, services: Vec<PriceBook>) -> Result<Self> {
        let configured = services.into_iter().map(|book| (book, Vec::new())).collect();
        self.with_configured_services(configured)
    }

    /// [`with_services`](Self::with_services) with each service's settings
    /// (`reads_per_request=2`), checked against its book.
    pub fn with_configured_services(mut self, services: Vec<(PriceBook, Vec<Setting>)>) -> Result<Self> {
        let mut books = Vec::new();
        let mut settings = Vec::new();
        for (book, given) in services {
            if let Offering::Service(service) = &book.offering {
                let resolved = ServiceSettings::resolve(service, &given).map_err(|problems| {
                    let messages: Vec<String> = problems.into_iter().map(|(_, message)| message).collect();
                    Error::usage(format!("{}: {}", book.id, messages.join("; ")))
                })?;
                settings.push(resolved);
            }
            books.push(book);
        }
        let services = books;
        if let Some(book) = services
            .iter()
            .find(|book| !matches!(book.offering, Offering::Service(_)))
        {
            return Err(Error::usage(format!(
                "`{}` is a {} price book, not a service (services: per-request price books such as aws-api-gateway-2016)",
                book.id,
                book.offering.family()
            )));
        }
        self.services = services;
        self.service_settings = settings;
        Ok(self)
    }

    /// Whether the platform bills its own data out: not when a service in
    /// front bills the client-facing side (Lambda to API Gateway in one
    /// region is free).
    pub fn bills_own_data_out(&self) -> bool {
        !self
            .services
            .iter()
            .any(|book| matches!(&book.offering, Offering::Service(service) if service.data_out.is_some()))
    }

    /// A one-line description of the deployment.
    pub fn describe(&self) -> String {
        self.configured.describe()
    }

    /// Checks a request's own fields against the platform's limits; a
    /// request without fields of its own passes unasked.
    #[inline]
    pub fn check_request(&self, request: &Request) -> std::result::Result<(), (&'static str, String)> {
        if !request.has_own_fields() {
            return Ok(());
        }
        self.configured.check_request(request)
    }
}
